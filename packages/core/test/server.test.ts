import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { buildQuery, definePlugin, PluginError, Rcode, reply, type Request } from '../src/index.js';
import { assertCase, exchangeTcp, exchangeUdp, startTestServer, type TestServer } from '../src/testing/index.js';
import { frame } from './streams.js';

/** What the `burst` label runs while the server is inside its handler. */
let onBurst: (() => void) | undefined;

/** Test plugins: each answers by the first label of the name. */
const behave = definePlugin<null>({
  name: 'behave',
  parse: () => null,
  setup: () => ({
    name: 'behave',
    serveDNS(req: Request, w, next) {
      const label = req.qname.split('.')[0];
      if (label === 'burst') onBurst?.();
      switch (label) {
        case 'throw':
          throw new Error('boom');
        case 'reject':
          return Promise.reject(new Error('async boom'));
        case 'pluginerror':
          throw new PluginError('behave', Rcode.REFUSED, 'not here');
        case 'silent':
          return Rcode.NOERROR;
        case 'next':
          return next(req, w);
        case 'big':
          w.write(reply(req, { answers: Array.from({ length: 60 }, (_, i) => ({ name: req.qnameRaw, type: 'A' as const, ttl: 60, data: `10.0.0.${i}` })) }));
          return 0;
        case 'slow':
          return new Promise((resolve) => setTimeout(() => resolve((w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 60, data: '10.0.0.9' }] })), 0)), 50));
        default:
          w.write(reply(req, { authoritative: true, answers: [{ name: req.qnameRaw, type: 'A', ttl: 60, data: '10.0.0.1' }] }));
          return 0;
      }
    },
  }),
});

let s: TestServer;
before(async () => {
  s = await startTestServer('example.org {\n  behave\n}\nsub.example.org {\n  behave\n}', { plugins: [behave] });
});
after(() => s.stop());

test('RFC musts and chain outcomes over UDP and TCP', async (t) => {
  const cases: { name: string; qtype?: string; rcode: keyof typeof Rcode; answers?: number; tc?: boolean }[] = [
    { name: 'www.example.org', rcode: 'NOERROR', answers: 1 },
    { name: 'WWW.EXAMPLE.ORG', rcode: 'NOERROR', answers: 1 },
    { name: 'example.net', rcode: 'REFUSED' },
    { name: 'throw.example.org', rcode: 'SERVFAIL' },
    { name: 'reject.example.org', rcode: 'SERVFAIL' },
    { name: 'pluginerror.example.org', rcode: 'REFUSED' },
    { name: 'silent.example.org', rcode: 'SERVFAIL' },
    { name: 'next.example.org', rcode: 'SERVFAIL' },
    { name: 'slow.sub.example.org', rcode: 'NOERROR', answers: 1 },
  ];
  for (const transport of ['udp', 'tcp'] as const) {
    for (const c of cases) {
      await t.test(`${transport} ${c.name}`, async () => {
        const r = await s.query(c.name, 'A', { transport });
        assert.equal(r.rcode, Rcode[c.rcode]);
        if (c.answers !== undefined) assert.equal(r.packet.answers?.length, c.answers);
        assert.equal(r.packet.questions?.[0]?.name, c.name, 'the question comes back as sent');
      });
    }
  }
});

test('a crash is logged once and counted in coredns_panics_total', async () => {
  const before = s.logs.length;
  await s.query('throw.example.org', 'A');
  const lines = s.logs.slice(before).filter((l) => l.includes('boom'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^\[ERROR\] Recovered from error in server: "dns:\/\/:\d+" throw\.example\.org\. A: Error: boom/);
  const metrics = await s.server.registry.metrics();
  assert.match(metrics, /^coredns_panics_total [1-9]/m);
});

test('UDP replies fit 512 bytes without EDNS and the EDNS size with it; TCP is whole', async () => {
  const plain = await s.query('big.example.org', 'A');
  assert.ok(plain.msg.length <= 512);
  assert.equal(plain.packet.flag_tc, true);
  const edns = await s.query('big.example.org', 'A', { edns: { udpSize: 4096 } });
  assert.equal(edns.packet.flag_tc, false);
  assert.equal(edns.packet.answers?.length, 60);
  assert.ok(edns.packet.additionals?.some((a) => a.type === 'OPT'));
  const tcp = await s.query('big.example.org', 'A', { transport: 'tcp' });
  assert.equal(tcp.packet.answers?.length, 60);
});

test('header faults: QR=1 dropped, NOTIMP (but NOTIFY goes to the chain), FORMERR with the ID, BADVERS', async () => {
  const q = buildQuery('www.example.org', 1, { id: 4242 });
  const response = Buffer.from(q);
  response[2] = response[2]! | 0x80;
  await assert.rejects(exchangeUdp(s.port, response, { timeoutMs: 300 }), /no UDP reply/);
  const update = Buffer.from(q);
  update[2] = (5 << 3) | 1;
  assert.equal((await exchangeUdp(s.port, update))[3]! & 0xf, Rcode.NOTIMP);
  // NOTIFY goes to the chain (a secondary answers it): here, as a query would.
  const notify = Buffer.from(q);
  notify[2] = (4 << 3) | 0x04;
  const notified = await exchangeUdp(s.port, notify);
  assert.equal((notified[2]! >> 3) & 0xf, 4);
  assert.equal(notified[3]! & 0xf, Rcode.NOERROR);
  const two = Buffer.from(q);
  two.writeUInt16BE(2, 4);
  const formerr = await exchangeTcp(s.port, two);
  assert.equal(formerr.readUInt16BE(0), 4242);
  assert.equal(formerr[3]! & 0xf, Rcode.FORMERR);
  const v1 = buildQuery('www.example.org', 1, { edns: { udpSize: 1232 } });
  v1[v1.length - 5] = 1;
  const badvers = dnsPacket.decode(await exchangeUdp(s.port, v1));
  assert.equal((badvers.additionals?.[0] as { extendedRcode: number }).extendedRcode, 1);
});

test('TCP serves pipelined queries on one connection', async () => {
  const socket = net.connect(s.port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const ids = [1, 2, 3, 4, 5];
  socket.write(Buffer.concat(ids.map((id) => frame(buildQuery(`q${id}.example.org`, 1, { id })))));
  const got = await readFrames(socket, ids.length);
  socket.destroy();
  assert.deepEqual(got.map((m) => m.readUInt16BE(0)).sort(), ids);
});

test('10,000 random and corrupted packets leave the server answering', async () => {
  const sock = dgram.createSocket('udp4');
  const valid = buildQuery('www.example.org', 1, { edns: { udpSize: 1232 } });
  let seed = 12345;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 10_000; i++) {
    let pkt: Buffer;
    if (i % 2 === 0) {
      pkt = Buffer.alloc(rand(600));
      for (let j = 0; j < pkt.length; j++) pkt[j] = rand(256);
    } else {
      pkt = Buffer.from(valid.subarray(0, 1 + rand(valid.length)));
      for (let k = 0; k < 3; k++) if (pkt.length) pkt[rand(pkt.length)] = rand(256);
    }
    sock.send(pkt, s.port, '127.0.0.1');
    if (i % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  sock.close();
  // Garbage over TCP: a truncated frame, a frame with a lying length, then a stalled connection.
  const tcp = net.connect(s.port, '127.0.0.1');
  await new Promise((r) => tcp.once('connect', r));
  tcp.write(Buffer.from([0x00, 0x40, 1, 2, 3]));
  tcp.write(Buffer.from([0xff, 0xff]));
  const stalled = net.connect(s.port, '127.0.0.1');
  stalled.write(Buffer.from([0x00]));
  stalled.on('error', () => {});
  tcp.on('error', () => {});
  for (const transport of ['udp', 'tcp'] as const) {
    const r = await s.query('www.example.org', 'A', { transport });
    assertCase(r.packet, { qname: 'www.example.org', qtype: 'A', answer: ['www.example.org. 60 IN A 10.0.0.1'], authoritative: true });
  }
  tcp.destroy();
  stalled.destroy();
});

function readFrames(socket: net.Socket, count: number): Promise<Buffer[]> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const out: Buffer[] = [];
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length >= count) resolve(out);
    });
  });
}

test('a dual-stack UDP listener (the default "::") answers IPv4 clients', async () => {
  // A udp6 socket on the IPv4-mapped loopback sees IPv4 clients as "::" does, without leaving loopback.
  const mapped = await startTestServer('example.org {\n  behave\n}', { plugins: [behave], defaultAddresses: ['::ffff:127.0.0.1'] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      const r = await mapped.query('a.example.org', 'A', { transport, timeoutMs: 1000 });
      assert.equal(r.rcode, Rcode.NOERROR, transport);
    }
  } finally {
    await mapped.stop();
  }
});

const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));

test('a burst that arrives while the server is busy is queued, not dropped', {
  skip: rmemMax < 4 << 20 && `net.core.rmem_max is ${rmemMax}: the kernel caps every receive buffer there`,
}, async () => {
  const BURST = 3000; // about 2.3 MB of small datagrams in the kernel: ten times the default buffer
  const client = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20 });
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  // Connected, so each send goes out at once (no address lookup on a later tick).
  await new Promise<void>((resolve) => client.connect(s.port, '127.0.0.1', resolve));
  const ids = new Set<number>();
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${ids.size} of ${BURST + 1} answered`)), 10_000);
    client.on('message', (msg) => {
      ids.add(msg.readUInt16BE(0));
      if (ids.size === BURST + 1) resolve(clearTimeout(timer));
    });
  });
  // The whole burst is sent from inside the server's handler of the first query: it lands in
  // the server's socket while the server cannot read.
  onBurst = () => {
    onBurst = undefined;
    for (let id = 1; id <= BURST; id++) client.send(buildQuery(`q${id}.example.org`, 1, { id }));
  };
  try {
    client.send(buildQuery('burst.example.org', 1, { id: 0 }));
    await all;
  } finally {
    client.close();
  }
});

test(`the suite runs on the transport CHAINDNS_UDP names (${process.env.CHAINDNS_UDP ?? 'dgram'})`, () => {
  assert.equal(s.server.transportName, process.env.CHAINDNS_UDP === 'native' ? 'udp-native' : 'dgram');
});
