import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import dnsPacket from 'dns-packet';
import { Rcode } from '@chaindns/core';
import { dig, eventually, startTestServer, type TestServer } from '@chaindns/core/testing';
import { transfer } from '../src/index.js';
import { type TestZone, zonePlugin } from './zone-fixture.js';

/** dns-packet decodes the opcode, and its types leave it out. */
type Notify = dnsPacket.Packet & { opcode?: string };

const zones = new Map<string, TestZone>();
let s: TestServer;
before(async () => {
  const corefile = '. {\n  zone example.org. 2\n  transfer example.org. {\n    to *\n  }\n}\nbig.example {\n  zone big.example. 5000\n  transfer {\n    to *\n  }\n}';
  s = await startTestServer(corefile, { plugins: [transfer, zonePlugin(zones)] });
});
after(() => s.stop());

const records = (out: string): string[][] =>
  out
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => l.split(/\s+/));

test('dig AXFR gets the zone, the SOA first and last', async () => {
  const out = records(await dig(s.port, '+time=5', 'AXFR', 'example.org'));
  assert.deepEqual(
    out.map((r) => `${r[0]} ${r[3]}`),
    ['example.org. SOA', 'example.org. NS', 'h0.example.org. A', 'h1.example.org. A', 'example.org. SOA'],
  );
});

test('dig AXFR of a zone in several messages gets every record once', async () => {
  const out = await dig(s.port, '+time=5', 'AXFR', 'big.example');
  const rrs = records(out);
  assert.equal(rrs.length, 5000 + 3);
  assert.equal(new Set(rrs.filter((r) => r[3] === 'A').map((r) => r[0])).size, 5000);
  assert.match(out, /XFR size: 5003 records \(messages [3-9],/);
});

test('dig IXFR with the current serial gets the SOA alone, an older one the whole zone', async () => {
  assert.deepEqual(records(await dig(s.port, '+time=5', 'IXFR=1', 'example.org')).map((r) => r[3]), ['SOA']);
  assert.equal(records(await dig(s.port, '+time=5', 'IXFR=0', 'example.org')).length, 5);
});

test('AXFR over UDP is refused', async () => {
  const r = await s.query('example.org', 'AXFR', { transport: 'udp' });
  assert.equal(r.rcode, Rcode.REFUSED);
});

test('a zone change sends NOTIFY to the `to` addresses, and a secondary that answers ends it', async () => {
  const secondary = createSocket('udp4');
  const notifies: Notify[] = [];
  secondary.on('message', (msg, from) => {
    notifies.push(dnsPacket.decode(msg) as Notify);
    msg[2]! |= 0x80; // the same message back as the response: NOERROR
    secondary.send(msg, from.port, from.address);
  });
  await new Promise<void>((resolve) => secondary.bind(0, '127.0.0.1', resolve));
  const port = secondary.address().port;
  const zs = new Map<string, TestZone>();
  const notifier = await startTestServer(`. {\n  zone example.org. 1\n  transfer {\n    to 127.0.0.1:${port}\n  }\n}`, { plugins: [transfer, zonePlugin(zs)] });
  try {
    zs.get('example.org.')!.change(2);
    await eventually(() => assert.equal(notifies.length, 1));
    const n = notifies[0]!;
    assert.equal(n.opcode, 'NOTIFY');
    assert.equal(n.flags! & dnsPacket.AUTHORITATIVE_ANSWER, dnsPacket.AUTHORITATIVE_ANSWER);
    assert.deepEqual(n.questions, [{ name: 'example.org', type: 'SOA', class: 'IN' }]);
    // A client at the address in `to` may transfer; `to` names it with its port, which the ACL does not compare (as CoreDNS).
    const r = await notifier.query('example.org', 'AXFR', { transport: 'tcp' });
    assert.equal(r.rcode, Rcode.NOERROR);
  } finally {
    await notifier.stop();
    secondary.close();
  }
});
