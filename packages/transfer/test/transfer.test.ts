import assert from 'node:assert/strict';
import { test } from 'node:test';
import dnsPacket from 'dns-packet';
import { parseRequest, Rcode, Request, silentLogger } from '@chaindns/core';
import { endOfChain, makeRequest, serveWith } from '@chaindns/core/testing';
import { createTransfer } from '../src/index.js';
import type { XfrConfig } from '../src/setup.js';
import { TestZone } from './zone-fixture.js';

const anyone: XfrConfig = { zones: ['example.org.'], anyone: true, to: [], source: null };
const only: XfrConfig = { zones: ['example.org.'], anyone: false, to: [{ host: '192.0.2.9', port: 53 }], source: null };

function handler(zone: TestZone, xfr: XfrConfig = anyone) {
  return createTransfer({ xfrs: [xfr], sources: () => [{ directive: 'zone', value: zone }], log: silentLogger });
}

/** An IXFR query over TCP carrying the client's SOA serial in its authority section. */
function ixfr(serial: number): Request {
  const msg = dnsPacket.encode({
    type: 'query',
    id: 7,
    questions: [{ name: 'example.org', type: 'IXFR' }],
    authorities: [{ name: 'example.org', type: 'SOA', ttl: 0, data: { mname: 'ns1.example.org', rname: 'a.example.org', serial, refresh: 1, retry: 1, expire: 1, minimum: 1 } }],
  });
  const req = parseRequest(Buffer.from(msg), 'tcp', { address: '127.0.0.1', port: 1, family: 4 });
  assert.ok(req instanceof Request);
  return req;
}

/** Every message a transfer wrote. */
async function transferOf(zone: TestZone, req: Request, xfr?: XfrConfig): Promise<{ rcode: number; messages: dnsPacket.Packet[] }> {
  const messages: dnsPacket.Packet[] = [];
  const w = { write: (msg: Buffer) => void messages.push(dnsPacket.decode(msg)) };
  const rcode = await handler(zone, xfr).serveDNS(req, w, endOfChain);
  return { rcode, messages };
}

const types = (messages: dnsPacket.Packet[]): string[] => messages.flatMap((m) => (m.answers ?? []).map((a) => a.type));

test('AXFR over TCP: one message for a small zone, the SOA first and last, authoritative', async () => {
  const { rcode, messages } = await transferOf(new TestZone('example.org.', 5, 2), makeRequest('example.org', 'AXFR', { transport: 'tcp' }));
  assert.equal(rcode, Rcode.NOERROR);
  assert.equal(messages.length, 1);
  assert.deepEqual(types(messages), ['SOA', 'NS', 'A', 'A', 'SOA']);
  assert.equal(messages[0]!.flags! & 0x0400, 0x0400);
});

test('a zone past 63000 bytes goes in several messages, each under 64 KB, every record once and the SOA last', async () => {
  const zone = new TestZone('example.org.', 5, 5000);
  const messages: Buffer[] = [];
  await handler(zone).serveDNS(makeRequest('example.org', 'AXFR', { transport: 'tcp' }), { write: (m) => void messages.push(m) }, endOfChain);
  assert.ok(messages.length >= 3, `${messages.length} messages`);
  for (const m of messages) assert.ok(m.length <= 65535);
  const all = types(messages.map((m) => dnsPacket.decode(m)));
  assert.equal(all.length, 5000 + 3);
  assert.equal(all[0], 'SOA');
  assert.equal(all.at(-1), 'SOA');
});

for (const [what, req, rcode] of [
  ['AXFR over UDP is refused', makeRequest('example.org', 'AXFR'), Rcode.REFUSED],
  ['IXFR over UDP is refused', makeRequest('example.org', 'IXFR'), Rcode.REFUSED],
  ['an IXFR without an SOA in its authority section fails', makeRequest('example.org', 'IXFR', { transport: 'tcp' }), Rcode.SERVFAIL],
] as const) {
  test(what, async () => {
    const { rcode: got, recorder } = await serveWith(handler(new TestZone('example.org.', 5, 1)), req, endOfChain);
    assert.equal(got, rcode);
    assert.equal(recorder.writes, 0);
  });
}

test('a client not in `to` is refused; one in it gets the zone', async () => {
  const zone = new TestZone('example.org.', 5, 1);
  assert.equal((await transferOf(zone, makeRequest('example.org', 'AXFR', { transport: 'tcp' }), only)).rcode, Rcode.REFUSED);
  const from = makeRequest('example.org', 'AXFR', { transport: 'tcp', remote: { address: '192.0.2.9', port: 4000, family: 4 } });
  assert.deepEqual(types((await transferOf(zone, from, only)).messages), ['SOA', 'NS', 'A', 'SOA']);
});

test('IXFR: the SOA alone for a client that is current, the whole zone (AXFR-style) for any other serial', async () => {
  const zone = new TestZone('example.org.', 5, 1);
  assert.deepEqual(types((await transferOf(zone, ixfr(5))).messages), ['SOA']);
  assert.deepEqual(types((await transferOf(zone, ixfr(4))).messages), ['SOA', 'NS', 'A', 'SOA']);
});

for (const [what, req] of [
  ['other types', makeRequest('example.org', 'A', { transport: 'tcp' })],
  ['a name that is not a zone a source holds', makeRequest('www.example.org', 'AXFR', { transport: 'tcp' })],
  ['a zone no transfer line names', makeRequest('example.net', 'AXFR', { transport: 'tcp' })],
] as const) {
  test(`passes on ${what}`, async () => {
    const { rcode, recorder } = await serveWith(handler(new TestZone('example.org.', 5, 1)), req, endOfChain);
    assert.equal(rcode, Rcode.SERVFAIL);
    assert.equal(recorder.writes, 0);
  });
}
