import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { test } from 'node:test';
import { dgramSharesPorts, dgramTransport, silentLogger } from '../src/index.js';

// Node.js's dgram and net set SO_REUSEPORT from 22.12 (`reusePort`): there the dgram transport
// shares ports (the binary's -workers, a successor process); before, it says it cannot. CI runs
// this file on Node.js 20 and 22.

test('dgramSharesPorts: Node.js 22.12+ and 23.1+', () => {
  const table: [string, boolean][] = [
    ['20.19.2', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['22.23.3', true],
    ['23.0.0', false],
    ['23.1.0', true],
    ['24.0.0', true],
  ];
  for (const [version, shares] of table) assert.equal(dgramSharesPorts(version), shares, version);
});

/** `count` datagrams, each from a socket of its own (the kernel picks a socket of the port by the source). */
async function sendFromMany(port: number, count: number): Promise<void> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<dgram.Socket>((resolve) => {
          const s = dgram.createSocket('udp4');
          s.bind(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  for (const s of sockets) s.send('x', port, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 50));
  for (const s of sockets) s.close();
}

test(`dgram on Node.js ${process.versions.node}: ${dgramSharesPorts() ? 'UDP and TCP listeners share a port, and each takes its share' : 'no reusePort, and a second bind of the port fails'}`, async () => {
  const transport = dgramTransport(silentLogger);
  const got = [0, 0];
  const a = await transport.bind({ address: '127.0.0.1', port: 0, reusePort: true }, () => void got[0]!++);
  try {
    if (!dgramSharesPorts()) {
      assert.equal(transport.reusePort, undefined);
      // What the version check stands for: an older Node.js ignores the option.
      await assert.rejects(transport.bind({ address: '127.0.0.1', port: a.port, reusePort: true }, () => {}), { code: 'EADDRINUSE' });
      return;
    }
    const b = await transport.bind({ address: '127.0.0.1', port: a.port, reusePort: true }, () => void got[1]!++);
    try {
      await sendFromMany(a.port, 64);
      assert.ok(got[0]! > 0 && got[1]! > 0, `both sockets take datagrams: ${got.join(', ')}`);
      assert.equal(got[0]! + got[1]!, 64);
      await assert.rejects(transport.bind({ address: '127.0.0.1', port: a.port }, () => {}), { code: 'EADDRINUSE' }, 'a socket without reusePort does not join');
    } finally {
      await b.close();
    }
    const binder = transport.reusePort!;
    const servers = [net.createServer((s) => s.end('0')), net.createServer((s) => s.end('1'))];
    await new Promise<void>((resolve) => servers[0]!.listen(binder.listenOptions('127.0.0.1', 0), resolve));
    const port = (servers[0]!.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => servers[1]!.listen(binder.listenOptions('127.0.0.1', port), resolve));
    const seen = new Set<string>();
    for (let i = 0; i < 32 && seen.size < 2; i++) {
      seen.add(await new Promise<string>((resolve, reject) => net.connect(port, '127.0.0.1').on('data', (d) => resolve(d.toString())).on('error', reject)));
    }
    assert.deepEqual([...seen].sort(), ['0', '1'], 'both TCP listeners accept');
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  } finally {
    await a.close();
  }
});
