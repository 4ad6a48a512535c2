import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { afterEach, describe, it } from 'node:test';
import type { PacketHandler, UdpBinding, UdpTransport } from '@chaindns/core';
import { loadNativeTransport, nativeTransportError } from '../src/index.js';
import { loadAddon } from '../src/load.js';

// Without a built addon the socket tests are skipped, with the reason: the install
// step tolerates a failed build, and chaindns then runs on dgram.
const skip = nativeTransportError() ?? false;
const INDEX_URL = new URL('../src/index.js', import.meta.url).href;

const LOOPBACKS = [
  { address: '127.0.0.1', type: 'udp4', maxPayload: 65507 },
  { address: '::1', type: 'udp6', maxPayload: 65527 },
] as const;

interface Reply {
  readonly data: Buffer;
  readonly from: dgram.RemoteInfo;
}

function transport(options?: Parameters<typeof loadNativeTransport>[0]): UdpTransport {
  const loaded = loadNativeTransport(options);
  assert.ok(loaded, nativeTransportError());
  return loaded;
}

const echo: PacketHandler = (data, from, via) => via.send(data, from);

/** Clients still open; closed after each test, so a failed one does not keep the process alive. */
const openClients = new Set<dgram.Socket>();
afterEach(() => {
  for (const client of openClients) client.close();
  openClients.clear();
});

async function openClient(type: 'udp4' | 'udp6', address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket(type);
  openClients.add(socket);
  socket.once('close', () => openClients.delete(socket));
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  return socket;
}

/** Resolves with the next `count` datagrams the socket gets; rejects after `ms`. */
function replies(socket: dgram.Socket, count: number, ms = 5000): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const got: Reply[] = [];
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error(`got ${got.length} of ${count} replies`));
    }, ms);
    function onMessage(data: Buffer, from: dgram.RemoteInfo): void {
      got.push({ data, from });
      if (got.length < count) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(got);
    }
    socket.on('message', onMessage);
  });
}

async function withServer(
  address: string,
  handler: PacketHandler,
  run: (server: UdpBinding) => Promise<void>,
): Promise<void> {
  const server = await transport().bind({ address, port: 0 }, handler);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** Runs an ES module in a fresh node, which must exit by itself within `ms`. */
function runChild(source: string, ms = 10_000): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`child did not exit within ${ms} ms; stdout: ${stdout}`));
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

describe('udp-native transport', { skip }, () => {
  for (const { address, type, maxPayload } of LOOPBACKS) {
    describe(address, () => {
      it('binds port 0 to a free port and echoes with the sender reported', async () => {
        let seen: { address: string; port: number; family: number } | undefined;
        await withServer(address, (data, from, via) => {
          seen = { address: from.address, port: from.port, family: from.family };
          via.send(data, from);
        }, async (server) => {
          assert.ok(server.port > 0);
          assert.equal(server.address, address);
          const client = await openClient(type, address);
          const got = replies(client, 1);
          client.send('ping', server.port, address);
          const [reply] = await got;
          assert.equal(reply?.data.toString(), 'ping');
          assert.equal(reply?.from.port, server.port);
          assert.deepEqual(seen, { address, port: client.address().port, family: type === 'udp4' ? 4 : 6 });
        });
      });

      it('answers each datagram of a burst from several clients to its own sender, in batches', async () => {
        const batches: number[] = [];
        let inBatch = 0;
        // The addon drains microtasks after each batch, so one microtask per batch counts it.
        const handler: PacketHandler = (data, from, via) => {
          if (inBatch++ === 0) queueMicrotask(() => (batches.push(inBatch), (inBatch = 0)));
          via.send(data, from);
        };
        await withServer(address, handler, async (server) => {
          const clients = await Promise.all([1, 2, 3, 4].map(() => openClient(type, address)));
          const perClient = 40; // 160 queued datagrams stay within the default receive buffer
          for (let round = 0; round < 3; round++) {
            const got = clients.map((client) => replies(client, perClient));
            clients.forEach((client, c) => {
              for (let i = 0; i < perClient; i++) client.send(`${c}:${round}:${i}`, server.port, address);
            });
            const answers = await Promise.all(got);
            answers.forEach((list, c) => {
              const expected = Array.from({ length: perClient }, (_, i) => `${c}:${round}:${i}`);
              assert.deepEqual(list.map((r) => r.data.toString()).sort(), expected.sort());
            });
          }
        });
        assert.equal(batches.reduce((a, b) => a + b, 0), 3 * 4 * 40);
        assert.ok(Math.max(...batches) > 1, `batch sizes ${batches.join(',')}`);
      });

      it('sends a later answer at once, with the datagram the handler kept', async () => {
        const handler: PacketHandler = (data, from, via) => {
          setTimeout(() => via.send(data, from), 20);
        };
        await withServer(address, handler, async (server) => {
          const client = await openClient(type, address);
          const got = replies(client, 50);
          for (let i = 0; i < 50; i++) client.send(`late ${i}`, server.port, address);
          const texts = (await got).map((r) => r.data.toString()).sort();
          assert.deepEqual(texts, Array.from({ length: 50 }, (_, i) => `late ${i}`).sort());
        });
      });

      it('leaves the datagrams a handler keeps intact while later batches fill new pools', async () => {
        // 12 rounds of 50 datagrams of 1000 bytes: 600 KB, past many 32 KB pools.
        const kept: Buffer[] = [];
        const handler: PacketHandler = (data, from, via) => {
          kept.push(data);
          via.send(data.subarray(0, 8), from);
        };
        const datagram = (n: number): Buffer => Buffer.alloc(1000, `${n}:`.padStart(8, '0'));
        await withServer(address, handler, async (server) => {
          const client = await openClient(type, address);
          for (let round = 0, n = 0; round < 12; round++) {
            const got = replies(client, 50);
            for (let i = 0; i < 50; i++, n++) client.send(datagram(n), server.port, address);
            await got;
          }
        });
        assert.equal(kept.length, 600);
        const seen = new Set(kept.map((data) => Number(data.subarray(0, 7).toString())));
        assert.equal(seen.size, 600);
        for (const data of kept) assert.ok(data.equals(datagram(Number(data.subarray(0, 7).toString()))));
      });

      it('answers an empty datagram that comes first, alone in its batch', async () => {
        await withServer(address, (data, from, via) => via.send(Buffer.from(`got ${data.length}`), from), async (server) => {
          const client = await openClient(type, address);
          const got = replies(client, 1);
          client.send(Buffer.alloc(0), server.port, address);
          assert.equal((await got)[0]?.data.toString(), 'got 0');
        });
      });

      it('carries datagrams of every size, in a slot or past it', async () => {
        const sizes = [0, 1, 4096, 4097, 9000, maxPayload];
        await withServer(address, echo, async (server) => {
          const client = await openClient(type, address);
          const got = replies(client, sizes.length);
          sizes.forEach((size, i) => client.send(Buffer.alloc(size, i), server.port, address));
          const byLength = new Map((await got).map((r) => [r.data.length, r.data]));
          sizes.forEach((size, i) => assert.ok(byLength.get(size)?.equals(Buffer.alloc(size, i)), `size ${size}`));
        });
      });

      it('sends a 9000-byte reply to a small query', async () => {
        const big = Buffer.alloc(9000, 0xab);
        await withServer(address, (_data, from, via) => via.send(big, from), async (server) => {
          const client = await openClient(type, address);
          const got = replies(client, 1);
          client.send('big?', server.port, address);
          assert.ok((await got)[0]?.data.equals(big));
        });
      });

      it('flushes full send slots and goes on', async () => {
        // Three replies per query: a batch of 32 queries fills the 32 slots three times.
        const handler: PacketHandler = (data, from, via) => {
          for (const tag of ['a', 'b', 'c']) via.send(Buffer.concat([data, Buffer.from(tag)]), from);
        };
        await withServer(address, handler, async (server) => {
          const client = await openClient(type, address);
          const got = replies(client, 3 * 40);
          for (let i = 0; i < 40; i++) client.send(`q${i}/`, server.port, address);
          const texts = new Set((await got).map((r) => r.data.toString()));
          for (let i = 0; i < 40; i++) for (const tag of ['a', 'b', 'c']) assert.ok(texts.has(`q${i}/${tag}`));
        });
      });

      it('sends to a plain Remote by parsing its address, and rejects a name', async () => {
        const client = await openClient(type, address);
        const to = { address, port: client.address().port, family: type === 'udp4' ? 4 : 6 } as const;
        let refused: unknown;
        await withServer(address, (_data, _from, via) => {
          try {
            via.send(Buffer.from('x'), { ...to, address: 'localhost' });
          } catch (err) {
            refused = err;
          }
          via.send(Buffer.from('in batch'), to);
          setTimeout(() => via.send(Buffer.from('later'), to), 10);
        }, async (server) => {
          const got = replies(client, 2);
          client.send('go', server.port, address);
          assert.deepEqual((await got).map((r) => r.data.toString()).sort(), ['in batch', 'later']);
        });
        assert.ok(refused instanceof TypeError);
      });

      it('rejects a bind on a used port with EADDRINUSE', async () => {
        await withServer(address, echo, async (server) => {
          await assert.rejects(transport().bind({ address, port: server.port }, echo), { code: 'EADDRINUSE' });
        });
        const holder = await openClient(type, address);
        await assert.rejects(transport().bind({ address, port: holder.address().port }, echo), { code: 'EADDRINUSE' });
      });

      it('frees the port on close', async () => {
        const server = await transport().bind({ address, port: 0 }, echo);
        await server.close();
        await server.close(); // twice is harmless
        const socket = dgram.createSocket(type);
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(server.port, address, resolve);
        });
        socket.close();
      });
    });
  }

  it('reports an IPv4 peer of a dual-stack socket as IPv4, as dgram does, and answers it', async () => {
    let seen: { address: string; port: number; family: number } | undefined;
    await withServer('::', (data, from, via) => {
      seen = { address: from.address, port: from.port, family: from.family };
      via.send(data, from);
    }, async (server) => {
      const client = await openClient('udp4', '127.0.0.1');
      const got = replies(client, 1);
      client.send('ping', server.port, '127.0.0.1');
      const [reply] = await got;
      assert.equal(reply?.data.toString(), 'ping');
      assert.deepEqual(seen, { address: '127.0.0.1', port: client.address().port, family: 4 });
    });
  });

  it('shares a port between sockets with reusePort', async () => {
    const first = await transport({ reusePort: true }).bind({ address: '127.0.0.1', port: 0 }, echo);
    const second = await transport({ reusePort: true }).bind({ address: '127.0.0.1', port: first.port }, echo);
    assert.equal(second.port, first.port);
    await Promise.all([first.close(), second.close()]);
  });

  for (const wildcard of ['::', '::ffff:127.0.0.1']) {
    it(`reports an IPv4 client of a dual-stack socket (${wildcard}) as IPv4, and answers it`, async () => {
      const seen: { address: string; family: number }[] = [];
      await withServer(wildcard, (data, from, via) => {
        seen.push({ address: from.address, family: from.family });
        via.send(data, from); // in the batch: a send slot
        setTimeout(() => via.send(Buffer.concat([data, Buffer.from(' later')]), from), 5); // at once: sendTo
      }, async (server) => {
        const client = await openClient('udp4', '127.0.0.1');
        const got = replies(client, 2);
        client.send('v4', server.port, '127.0.0.1');
        assert.deepEqual((await got).map((r) => r.data.toString()).sort(), ['v4', 'v4 later']);
      });
      assert.deepEqual(seen, [{ address: '127.0.0.1', family: 4 }]);
    });
  }

  it('sends to a plain IPv4-mapped Remote from an IPv4 socket', async () => {
    const client = await openClient('udp4', '127.0.0.1');
    const to = { address: '::ffff:127.0.0.1', port: client.address().port, family: 6 } as const;
    await withServer('127.0.0.1', (_data, _from, via) => via.send(Buffer.from('mapped'), to), async (server) => {
      const got = replies(client, 1);
      client.send('go', server.port, '127.0.0.1');
      assert.equal((await got)[0]?.data.toString(), 'mapped');
    });
  });

  it('rejects an address that is no IP with EINVAL', async () => {
    await assert.rejects(transport().bind({ address: 'localhost', port: 0 }, echo), { code: 'EINVAL' });
  });

  it('lets the process exit once closed', async () => {
    const { code, stdout } = await runChild(`
      import dgram from 'node:dgram';
      const { loadNativeTransport } = await import(${JSON.stringify(INDEX_URL)});
      const server = await loadNativeTransport().bind({ address: '127.0.0.1', port: 0 }, (d, f, via) => via.send(d, f));
      const client = dgram.createSocket('udp4');
      client.on('message', async (m) => { console.log(String(m)); client.close(); await server.close(); });
      client.send('bye', server.port, '127.0.0.1');
    `);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), 'bye');
  });

  it('answers the rest of a batch when a handler throws, then reports the error as uncaught', async () => {
    const { code, stdout } = await runChild(`
      import dgram from 'node:dgram';
      const { loadNativeTransport } = await import(${JSON.stringify(INDEX_URL)});
      process.on('uncaughtException', (err) => console.log('uncaught ' + err.message));
      const server = await loadNativeTransport().bind({ address: '127.0.0.1', port: 0 }, (d, f, via) => {
        if (String(d) === 'boom') throw new Error('boom');
        via.send(d, f);
      });
      const client = dgram.createSocket('udp4');
      const got = [];
      client.on('message', async (m) => {
        got.push(String(m));
        if (got.length < 2) return;
        console.log('replies ' + got.sort().join(','));
        client.close();
        await server.close();
      });
      for (const text of ['a', 'boom', 'b']) client.send(text, server.port, '127.0.0.1');
    `);
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split('\n').sort(), ['replies a,b', 'uncaught boom']);
  });
});

describe('loading', () => {
  it('says why when the addon is not built', () => {
    const loaded = loadAddon('/nonexistent/udp_native.node');
    assert.ok('error' in loaded && /not built|needs Linux/.test(loaded.error));
  });

  it('gives a transport or null with a reason, and never throws', () => {
    const loaded = loadNativeTransport();
    assert.equal(loaded === null, nativeTransportError() !== undefined);
    if (loaded) assert.equal(loaded.name, 'udp-native');
  });
});
