import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, test } from 'node:test';
import { dgramTransport, silentLogger, type UdpBinding } from '../src/index.js';
import { eventually, freePort, testUdpTransport } from '../src/testing/index.js';

// The transport test servers get: dgram in the plain pass, the native one in the native pass.
const transport = testUdpTransport() ?? dgramTransport(silentLogger);
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function peer(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => s.close());
  return s;
}

test(`${transport.name}: a connected socket talks to its peer alone and reports its real local address`, async () => {
  const upstream = await peer();
  const stranger = await peer();
  const got: string[] = [];
  const client: UdpBinding = await transport.bind({ address: '0.0.0.0', port: 0, connect: { address: '127.0.0.1', port: upstream.address().port } }, (data) => got.push(data.toString()));
  cleanups.push(() => client.close());
  assert.deepEqual([client.address, client.port > 0], ['127.0.0.1', true]);
  const arrived = new Promise<dgram.RemoteInfo>((resolve) => upstream.once('message', (msg, rinfo) => (assert.equal(msg.toString(), 'query'), resolve(rinfo))));
  client.send(Buffer.from('query'), { address: '192.0.2.1', port: 9, family: 4 }); // a connected socket sends to its peer whatever `to` says
  assert.equal((await arrived).port, client.port);
  stranger.send('spoofed', client.port, '127.0.0.1');
  upstream.send('reply', client.port, '127.0.0.1');
  await eventually(() => assert.deepEqual(got, ['reply']));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(got, ['reply'], 'the stranger\'s datagram never came');
});

test(`${transport.name}: a connected socket hears of its peer's refused port through onError`, async () => {
  const errors: string[] = [];
  const client = await transport.bind({ address: '0.0.0.0', port: 0, connect: { address: '127.0.0.1', port: await freePort() }, onError: (err) => errors.push(err.code ?? err.message) }, () => {});
  cleanups.push(() => client.close());
  // The first send draws the ICMP port unreachable; the kernel reports it on the socket (or on the next send).
  for (let i = 0; i < 3 && errors.length === 0; i++) {
    client.send(Buffer.from('query'), { address: '127.0.0.1', port: 0, family: 4 });
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(errors[0], 'ECONNREFUSED');
});

test(`${transport.name}: a peer the kernel will not send to fails the bind`, async () => {
  await assert.rejects(transport.bind({ address: '0.0.0.0', port: 0, connect: { address: '255.255.255.255', port: 53 } }, () => {}), { code: 'EACCES' });
});

test(`${transport.name}: what a listener's handler sends through a client socket all arrives, a burst larger than a batch too`, async () => {
  const upstream = await peer();
  const client = await transport.bind({ address: '0.0.0.0', port: 0, connect: { address: '127.0.0.1', port: upstream.address().port } }, () => {});
  cleanups.push(() => client.close());
  const listener = await transport.bind({ address: '127.0.0.1', port: 0 }, (data, from) => client.send(data, from));
  cleanups.push(() => listener.close());
  const seen = new Set<string>();
  upstream.on('message', (msg) => seen.add(msg.toString()));
  const sender = await peer();
  for (let i = 0; i < 100; i++) sender.send(`q${i}`, listener.port, '127.0.0.1');
  await eventually(() => assert.equal(seen.size, 100));
});
