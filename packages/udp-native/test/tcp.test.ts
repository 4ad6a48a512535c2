import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { buildQuery, definePlugin, MAX_PENDING, type Remote, reply, type Request, type UdpTransport } from '@chaindns/core';
import { startTestServer, type TestServer } from '@chaindns/core/testing';
import { loadNativeTransport, nativeTransportError } from '../src/index.js';

const skip = nativeTransportError() ?? false;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Answers A 192.0.2.1; `slow*` names after 100 ms, `bulk*` names with about 50 KB of TXT, `hang*` names never (until released). */
function answerPlugin(seen: { served: number; remotes: Remote[]; release: Array<() => void> }) {
  return definePlugin<null>({
    name: 'answer',
    parse: () => null,
    setup: () => ({
      name: 'answer',
      serveDNS(req: Request, w) {
        seen.served++;
        seen.remotes.push(req.remote);
        const write = (): number => {
          if (req.qname.startsWith('bulk')) {
            w.write(reply(req, { answers: Array.from({ length: 200 }, () => ({ name: req.qnameRaw, type: 'TXT' as const, ttl: 0, data: 'x'.repeat(250) })) }));
          } else {
            w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] }));
          }
          return 0;
        };
        if (req.qname.startsWith('slow')) return sleep(100).then(write);
        if (req.qname.startsWith('hang')) return new Promise<number>((resolve) => seen.release.push(() => resolve(write())));
        return write();
      },
    }),
  });
}

function transport(options?: Parameters<typeof loadNativeTransport>[0]): UdpTransport {
  const loaded = loadNativeTransport(options);
  assert.ok(loaded, nativeTransportError());
  return loaded;
}

/** The transport with its TCP listener: every server below serves TCP on it, never on node:net. */
function tcpTransport(): UdpTransport {
  const t = transport({ tcp: true });
  assert.ok(t.tcp, 'the transport offers no TCP listener');
  return t;
}

async function server(tcp?: Record<string, number>): Promise<TestServer & { seen: { served: number; remotes: Remote[]; release: Array<() => void> } }> {
  const seen = { served: 0, remotes: [] as Remote[], release: [] as Array<() => void> };
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answerPlugin(seen)], udpTransport: tcpTransport(), ...(tcp ? { tcp } : {}) });
  return Object.assign(s, { seen });
}

function frame(name: string, id: number, type = 1): Buffer {
  const msg = buildQuery(name, type);
  msg.writeUInt16BE(id, 0);
  const out = Buffer.alloc(2 + msg.length);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}

/** A client connection that collects whole answers (their IDs, in arrival order). */
class Client {
  readonly socket: net.Socket;
  readonly ids: number[] = [];
  closed = false;
  #buf = Buffer.alloc(0);
  #waiters: Array<() => void> = [];

  constructor(port: number, host = '127.0.0.1', localAddress?: string) {
    this.socket = net.connect({ port, host, ...(localAddress ? { localAddress } : {}) });
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      while (this.#buf.length >= 2 && this.#buf.length >= 2 + this.#buf.readUInt16BE(0)) {
        this.ids.push(this.#buf.readUInt16BE(2));
        this.#buf = this.#buf.subarray(2 + this.#buf.readUInt16BE(0));
      }
      this.#wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve) => (this.socket.connecting ? this.socket.once('connect', () => resolve()) : resolve()));
  }

  /** Resolves once `count` answers are in; rejects when the connection closes first or after `ms`. */
  async answers(count: number, ms = 3000): Promise<number[]> {
    const deadline = performance.now() + ms;
    while (this.ids.length < count) {
      if (this.closed) throw new Error(`closed after ${this.ids.length} of ${count} answers`);
      if (performance.now() > deadline) throw new Error(`${this.ids.length} of ${count} answers in ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.ids.slice(0, count);
  }

  /** Resolves with how long the server took to close it from now. */
  async closes(ms = 3000): Promise<number> {
    const started = performance.now();
    while (!this.closed) {
      if (performance.now() - started > ms) throw new Error(`still open after ${ms} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return performance.now() - started;
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}

describe('udp-native DNS over TCP', { skip }, () => {
  it('is offered by the transport, and left to node:net with tcp: false or CHAINDNS_TCP=net', () => {
    assert.ok(transport().tcp);
    assert.equal(transport({ tcp: false }).tcp, undefined);
    const saved = process.env.CHAINDNS_TCP;
    process.env.CHAINDNS_TCP = 'net';
    try {
      assert.equal(transport().tcp, undefined);
      assert.ok(transport({ tcp: true }).tcp);
    } finally {
      if (saved === undefined) delete process.env.CHAINDNS_TCP;
      else process.env.CHAINDNS_TCP = saved;
    }
  });

  it('answers pipelined queries, each as soon as it is ready (out of order)', async () => {
    const s = await server();
    const c = new Client(s.port);
    try {
      c.socket.write(Buffer.concat([frame('slow.example.org', 1), frame('a.example.org', 2), frame('b.example.org', 3)]));
      const ids = await c.answers(3);
      assert.deepEqual(ids, [2, 3, 1]);
      assert.equal(s.seen.remotes[0]!.address, '127.0.0.1');
      assert.equal(s.seen.remotes[0]!.port, c.socket.localPort);
    } finally {
      c.socket.destroy();
      await s.stop();
    }
  });

  it('on "::", reports an IPv6 client as such and an IPv4 one as IPv4', async () => {
    const seen = { served: 0, remotes: [] as Remote[], release: [] as Array<() => void> };
    const s = await startTestServer('. {\n  answer\n}', { plugins: [answerPlugin(seen)], udpTransport: tcpTransport(), defaultAddresses: ['::'] });
    try {
      for (const host of ['::1', '127.0.0.1']) {
        const c = new Client(s.port, host);
        c.socket.write(frame('a.example.org', 1));
        await c.answers(1);
        c.socket.destroy();
      }
      assert.deepEqual(seen.remotes.map((r) => [r.address, r.family]), [['::1', 6], ['127.0.0.1', 4]]);
    } finally {
      await s.stop();
    }
  });

  it('joins a message split across reads, and a length prefix split across reads', async () => {
    const s = await server();
    const c = new Client(s.port);
    try {
      await c.connected();
      const bytes = Buffer.concat([frame('a.example.org', 1), frame('b.example.org', 2)]);
      // One byte of the first prefix; the rest of it and half the message; the rest and the next prefix's first byte; the rest.
      const first = bytes.readUInt16BE(0) + 2;
      for (const [from, to] of [[0, 1], [1, 10], [10, first + 1], [first + 1, bytes.length]] as const) {
        c.socket.write(bytes.subarray(from, to));
        await sleep(40);
      }
      assert.deepEqual(await c.answers(2), [1, 2]);
      // A 60 KB message (junk after the question is tolerated) in 1 KB parts.
      const big = frame('c.example.org', 3);
      big.writeUInt16BE(big.length - 2 + 60_000, 0);
      const whole = Buffer.concat([big, Buffer.alloc(60_000)]);
      for (let at = 0; at < whole.length; at += 1000) {
        c.socket.write(whole.subarray(at, at + 1000));
        if (at % 10_000 === 0) await sleep(5);
      }
      assert.deepEqual(await c.answers(3), [1, 2, 3]);
    } finally {
      c.socket.destroy();
      await s.stop();
    }
  });

  it('answers a client that closes its side after its query, then closes', async () => {
    const s = await server();
    const c = new Client(s.port);
    try {
      c.socket.end(Buffer.concat([frame('slow.example.org', 7), frame('a.example.org', 8)]));
      assert.deepEqual(await c.answers(2), [8, 7]);
      await c.closes(1000);
    } finally {
      c.socket.destroy();
      await s.stop();
    }
  });

  it('closes a connection that asks nothing more after the idle timeout, one that never asks after the read timeout', async () => {
    const s = await server({ idleTimeoutMs: 400, readTimeoutMs: 150 });
    try {
      const silent = new Client(s.port);
      const silentMs = await silent.closes();
      assert.ok(silentMs >= 100 && silentMs < 350, `a connection that sent nothing lived ${silentMs.toFixed(0)} ms`);
      const asked = new Client(s.port);
      asked.socket.write(frame('a.example.org', 1));
      await asked.answers(1);
      const idleMs = await asked.closes();
      assert.ok(idleMs >= 350 && idleMs < 800, `idle after its answer, it lived ${idleMs.toFixed(0)} ms`);
    } finally {
      await s.stop();
    }
  });

  it('drops a query that stalls half way at the read deadline', async () => {
    const s = await server({ readTimeoutMs: 200 });
    const c = new Client(s.port);
    try {
      c.socket.write(frame('a.example.org', 1).subarray(0, 9));
      const ms = await c.closes();
      assert.ok(ms >= 150 && ms < 600, `closed after ${ms.toFixed(0)} ms`);
    } finally {
      await s.stop();
    }
  });

  it('refuses a connection past the limit while every open one owes answers, and takes it once one is idle', async () => {
    const s = await server({ maxConnections: 5 });
    const busy = Array.from({ length: 5 }, (_, i) => new Client(s.port, '127.0.0.1', `127.0.3.${i + 1}`));
    try {
      for (const [i, c] of busy.entries()) c.socket.write(frame(`hang${i}.example.org`, i));
      while (s.seen.served < 5) await sleep(10);
      const extra = new Client(s.port, '127.0.0.1', '127.0.4.1');
      extra.socket.write(frame('a.example.org', 99));
      await extra.closes(1000);
      assert.deepEqual(extra.ids, []);
      assert.ok(busy.every((c) => !c.closed), 'the busy connections stay');
      // Answered, the busy ones are idle: a newcomer takes the place of the least recently used.
      for (const release of s.seen.release) release();
      for (const c of busy) await c.answers(1);
      const next = new Client(s.port, '127.0.0.1', '127.0.4.2');
      next.socket.write(frame('a.example.org', 100));
      assert.deepEqual(await next.answers(1), [100]);
      await busy[0]!.closes(1000);
      next.socket.destroy();
    } finally {
      for (const c of busy) c.socket.destroy();
      await s.stop();
    }
  });

  it('stops reading from a client that does not read its answers, and closes it at the write deadline', async () => {
    const s = await server({ writeTimeoutMs: 400 });
    const c = new Client(s.port);
    try {
      await c.connected();
      c.socket.pause();
      // 400 queries of 60 KB each (junk after the question is tolerated), each for about 50 KB of answer:
      // 24 MB in, 20 MB out if the server kept reading.
      const junk = Buffer.alloc(60_000);
      const queries = Array.from({ length: 400 }, (_, i) => {
        const q = frame(`bulk${i}.example.org`, i, 16);
        q.writeUInt16BE(q.length - 2 + junk.length, 0);
        return Buffer.concat([q, junk]);
      });
      c.socket.write(Buffer.concat(queries));
      await sleep(300);
      assert.ok(s.seen.served <= MAX_PENDING, `${s.seen.served} queries served for a client that reads nothing`);
      // What the server did not read waits on the client's side: socket buffers hold a few MB at most.
      assert.ok(c.socket.writableLength > 10_000_000, `the server read ${24_000_000 - c.socket.writableLength} bytes`);
      await sleep(600);
      c.socket.resume();
      await c.closes(2000);
      assert.ok(c.ids.length <= MAX_PENDING, `${c.ids.length} answers arrived`);
    } finally {
      c.socket.destroy();
      await s.stop();
    }
  });

  it('holds at most MAX_PENDING queries of one connection in flight, and goes on as they are answered', async () => {
    const s = await server();
    const c = new Client(s.port);
    try {
      const count = MAX_PENDING + 50;
      c.socket.write(Buffer.concat(Array.from({ length: count }, (_, i) => frame(`hang${i}.example.org`, i))));
      await sleep(300);
      assert.equal(s.seen.served, MAX_PENDING);
      for (const release of s.seen.release.splice(0)) release();
      await c.answers(MAX_PENDING);
      while (s.seen.served < count) await sleep(10);
      for (const release of s.seen.release.splice(0)) release();
      assert.equal((await c.answers(count)).length, count);
    } finally {
      c.socket.destroy();
      await s.stop();
    }
  });

  it('serves 300 concurrent clients, each with a query per connection and pipelined ones', async () => {
    const s = await server();
    try {
      const clients = Array.from({ length: 300 }, (_, i) => new Client(s.port, '127.0.0.1', `127.0.5.${(i % 250) + 1}`));
      for (const [i, c] of clients.entries()) c.socket.write(i % 2 ? frame('a.example.org', i) : Buffer.concat([frame('a.example.org', i), frame('b.example.org', i + 1000)]));
      const got = await Promise.all(clients.map((c, i) => c.answers(i % 2 ? 1 : 2, 5000)));
      assert.equal(got.flat().length, 450);
      for (const c of clients) c.socket.destroy();
    } finally {
      await s.stop();
    }
  });

  it('answers dig +tcp (one connection per query, and +keepopen) and kdig +tcp', async () => {
    const s = await server();
    const run = promisify(execFile);
    try {
      const dig = await run('dig', ['+tcp', '+short', '+tries=1', '+time=2', '@127.0.0.1', '-p', String(s.port), 'a.example.org']);
      assert.equal(dig.stdout.trim(), '192.0.2.1');
      const keep = await run('dig', ['+tcp', '+keepopen', '+short', '+tries=1', '+time=2', '@127.0.0.1', '-p', String(s.port), 'a.example.org', 'b.example.org', 'c.example.org']);
      assert.deepEqual(keep.stdout.trim().split('\n'), ['192.0.2.1', '192.0.2.1', '192.0.2.1']);
      const kdig = await run('kdig', ['+tcp', '+short', '+retry=0', '+time=2', '@127.0.0.1', '-p', String(s.port), 'a.example.org']);
      assert.equal(kdig.stdout.trim(), '192.0.2.1');
    } finally {
      await s.stop();
    }
  });

  it('a stop waits for the answers owed, then frees the port', async () => {
    const s = await server();
    const c = new Client(s.port);
    try {
      c.socket.write(frame('slow.example.org', 5));
      while (s.seen.served < 1) await sleep(5);
      await s.stop();
      assert.deepEqual(await c.answers(1), [5]);
      await c.closes(1000);
      const again = net.createServer().listen(s.port, '127.0.0.1');
      await new Promise((resolve, reject) => again.once('listening', resolve).once('error', reject));
      again.close();
    } finally {
      c.socket.destroy();
    }
  });
});
