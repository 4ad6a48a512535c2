import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test } from 'node:test';
import type { Remote, UdpTransport } from '@chaindns/core';
import { loadNativeTransport, nativeTransportError } from '../src/index.js';

// SO_REUSEPORT for listeners that share a port (the workers of a process, a process and its
// successor): a bind's own `reusePort`, the TCP side (`reusePort.listenOptions`), and `detach`.

function native(): UdpTransport {
  const t = loadNativeTransport();
  if (!t) throw new Error(`the addon must load here: ${nativeTransportError()}`);
  return t;
}

/** `count` datagrams, each from a socket of its own (the kernel picks a socket of the port by the source). */
async function sendFromMany(port: number, count: number, tag: string): Promise<void> {
  const sockets = await Promise.all(
    Array.from({ length: count }, () => new Promise<dgram.Socket>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.bind(0, '127.0.0.1', () => resolve(s));
    })),
  );
  sockets.forEach((s, i) => s.send(`${tag}${i}`, port, '127.0.0.1'));
  await new Promise((r) => setTimeout(r, 20));
  for (const s of sockets) s.close();
}

test('bind({ reusePort }) shares a UDP port; without it the port is refused', async () => {
  const t = native();
  const a = await t.bind({ address: '127.0.0.1', port: 0, reusePort: true }, () => {});
  const b = await t.bind({ address: '127.0.0.1', port: a.port, reusePort: true }, () => {});
  assert.equal(b.port, a.port);
  await assert.rejects(t.bind({ address: '127.0.0.1', port: a.port }, () => {}), { code: 'EADDRINUSE' });
  await Promise.all([a.close(), b.close()]);
});

test('reusePort.listenOptions: TCP listeners share a port, and each accepts connections', async () => {
  const binder = native().reusePort!;
  const accepted = [0, 0];
  const servers = [0, 1].map((i) => net.createServer((socket) => (accepted[i]!++, socket.end())));
  await new Promise<void>((resolve) => servers[0]!.listen(binder.listenOptions('127.0.0.1', 0), resolve));
  const port = (servers[0]!.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => servers[1]!.listen(binder.listenOptions('127.0.0.1', port), resolve));
  assert.equal((servers[1]!.address() as net.AddressInfo).port, port);
  for (let i = 0; i < 64; i++) {
    await new Promise<void>((resolve, reject) => net.connect(port, '127.0.0.1').on('close', () => resolve()).on('error', reject).resume());
  }
  assert.ok(accepted[0]! > 0 && accepted[1]! > 0, `both accepted: ${accepted}`);
  assert.throws(() => binder.listenOptions('127.0.0.1', 70000), { code: 'EINVAL' });
  const plain = net.createServer();
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  assert.throws(() => binder.listenOptions('127.0.0.1', (plain.address() as net.AddressInfo).port), { code: 'EADDRINUSE' }, 'a listener without SO_REUSEPORT keeps its port');
  await Promise.all([...servers, plain].map((s) => new Promise((r) => s.close(r))));
});

for (const address of ['127.0.0.1', '0.0.0.0', '::']) {
  test(`detach (${address}): what was queued still arrives and is answered; every later datagram goes to the other socket of the port`, async () => {
    const t = native();
    const got = { a: [] as string[], b: [] as string[] };
    const echo = (into: string[]) => (data: Buffer, from: Remote, via: { send(d: Uint8Array, to: Remote): void }) => {
      into.push(data.toString());
      via.send(data, from);
    };
    const answers: string[] = [];
    const sender = await t.bind({ address: '127.0.0.1', port: 0 }, (data) => answers.push(data.toString()));
    const a = await t.bind({ address, port: 0, reusePort: true }, echo(got.a));
    const to: Remote = { address: '127.0.0.1', port: a.port, family: 4 };
    // Sent at once (outside a batch), queued on the one socket of the port, unread: the event loop has not turned.
    for (let i = 0; i < 100; i++) sender.send(Buffer.from(`x${i}`), to);
    const b = await t.bind({ address, port: a.port, reusePort: true }, echo(got.b));
    try {
      await a.detach!();
      assert.equal(got.a.length, 100, 'every datagram queued before the detach arrived');
      await sendFromMany(a.port, 200, 'after');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(got.a.filter((d) => d.startsWith('after')), [], 'nothing new reaches the detached socket');
      assert.equal(got.b.filter((d) => d.startsWith('after')).length, 200, 'the other socket takes it all');
      assert.equal(answers.length, 100, 'the detached socket answered what it took');
    } finally {
      await Promise.all([a.close(), b.close(), sender.close()]);
    }
  });
}
