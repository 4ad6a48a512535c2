import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { assertCase, type Case, endOfChain, makeRequest, serveWith } from '@chaindns/core/testing';
import { createLocal } from '../src/index.js';

const soa = (owner: string): string => `${owner} 604800 IN SOA localhost. root.localhost. 1 0 0 0 604800`;

/** CoreDNS's local_test.go cases, with the letter case and the legacy prefix besides. */
const cases: readonly Case[] = [
  { qname: 'localhost.', qtype: 'A', answer: ['localhost. 604800 IN A 127.0.0.1'] },
  { qname: 'localHOst.', qtype: 'A', answer: ['localHOst. 604800 IN A 127.0.0.1'] },
  { qname: 'localhost.', qtype: 'AAAA', answer: ['localhost. 604800 IN AAAA ::1'] },
  { qname: 'localhost.', qtype: 'NS', answer: ['localhost. 604800 IN NS localhost.'] },
  { qname: 'localhost.', qtype: 'SOA', answer: [soa('localhost.')] },
  { qname: 'localhost.', qtype: 'MX', ns: [soa('localhost.')] },
  { qname: '127.in-addr.arpa.', qtype: 'A', ns: [soa('127.in-addr.arpa.')] },
  { qname: '0.in-addr.arpa.', qtype: 'NS', answer: ['0.in-addr.arpa. 604800 IN NS localhost.'] },
  { qname: '255.IN-ADDR.arpa.', qtype: 'SOA', answer: [soa('255.IN-ADDR.arpa.')] },
  { qname: 'a.localhost.', qtype: 'A', answer: ['a.localhost. 604800 IN A 127.0.0.1'] },
  { qname: 'a.localhost.', qtype: 'AAAA', answer: ['a.localhost. 604800 IN AAAA ::1'] },
  { qname: 'a.localhost.', qtype: 'MX', ns: [soa('a.localhost.')] },
  { qname: 'localhost.example.net.', qtype: 'A', answer: ['localhost.example.net. 604800 IN A 127.0.0.1'] },
  { qname: '1.0.0.127.in-addr.arpa.', qtype: 'PTR', answer: ['1.0.0.127.in-addr.arpa. 604800 IN PTR localhost.'] },
  { qname: '1.0.0.127.in-addr.arpa.', qtype: 'MX', ns: [soa('127.in-addr.arpa.')] },
  { qname: '1.0.0.127.IN-ADDR.ARPA.', qtype: 'MX', ns: [soa('127.IN-ADDR.ARPA.')] },
  { qname: '2.0.0.127.in-addr.arpa.', qtype: 'PTR', rcode: 'NXDOMAIN', ns: [soa('127.in-addr.arpa.')] },
  { qname: 'x.0.in-addr.arpa.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa('0.in-addr.arpa.')] },
];

test('local answers its zones and localhost names as CoreDNS', async (t) => {
  for (const c of cases) {
    await t.test(`${c.qname} ${c.qtype}`, async () => {
      const { rcode, recorder } = await serveWith(createLocal({ localhostPrefix: true }), makeRequest(c.qname, c.qtype as 'A'), endOfChain);
      assert.equal(rcode, 0);
      const p = recorder.packet();
      assertCase(p, { ...c, ordered: true });
      assert.equal(p.flags! & 0x0400, 0, 'not authoritative, as CoreDNS');
    });
  }
});

test('local passes on every other name, and localhost.<domain> with localhost_prefix off', async (t) => {
  const cases: readonly [boolean, string][] = [
    [true, 'example.org.'],
    [true, 'xlocalhost.'],
    [true, 'notlocalhost.'],
    [true, '1.in-addr.arpa.'],
    [true, 'x.localhostx.'],
    [false, 'localhost.example.net.'],
  ];
  for (const [localhostPrefix, name] of cases) {
    await t.test(`${name} (localhost_prefix ${localhostPrefix ? 'on' : 'off'})`, async () => {
      const { rcode, recorder } = await serveWith(createLocal({ localhostPrefix }), makeRequest(name, 'A'), endOfChain);
      assert.equal(rcode, Rcode.SERVFAIL);
      assert.equal(recorder.writes, 0);
    });
  }
});

test('local counts .localhost. and legacy prefix names, not localhost. itself', async () => {
  const seen: string[] = [];
  const local = createLocal({ localhostPrefix: true, onLocalhost: (req) => seen.push(req.qname) });
  for (const name of ['localhost.', 'a.localhost.', 'localhost.example.net.', '127.in-addr.arpa.', 'example.org.']) await serveWith(local, makeRequest(name, 'A'), endOfChain);
  assert.deepEqual(seen, ['a.localhost.', 'localhost.example.net.']);
});
