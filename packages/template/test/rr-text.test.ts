import assert from 'node:assert/strict';
import { test } from 'node:test';
import { present } from '@chaindns/core/testing';
import * as dnsPacket from 'dns-packet';
import { parseRecord } from '../src/index.js';

/** The record after a round trip through the wire (what a client gets), in one line. */
function wire(text: string): string {
  const encoded = dnsPacket.encode({ type: 'response', answers: [parseRecord(text)] });
  return present(dnsPacket.decode(encoded).answers![0]!);
}

test('records from presentation text, as miekg/dns NewRR reads them', async (t) => {
  const cases: [string, string][] = [
    ['example.org. 60 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.1'],
    // TTL 3600 and class IN by default, names relative to the root, TTL and class in either order.
    ['example.org A 192.0.2.1', 'example.org. 3600 IN A 192.0.2.1'],
    ['example.org IN 60 AAAA 2001:db8::1', 'example.org. 60 IN AAAA 2001:db8::1'],
    ['example.org 1h in cname Target.Example', 'example.org. 3600 IN CNAME target.example.'],
    ['@ 60 NS ns.example.', '. 60 IN NS ns.example.'],
    ['x.example. 60 PTR y.example.', 'x.example. 60 IN PTR y.example.'],
    ['x.example. 60 DNAME y.example.', 'x.example. 60 IN DNAME y.example.'],
    ['x.example. 60 MX 10 mail.example.', 'x.example. 60 IN MX 10 mail.example.'],
    ['_sip._tcp.example. 60 SRV 10 20 5060 sip.example.', '_sip._tcp.example. 60 IN SRV 10 20 5060 sip.example.'],
    // SOA over lines in parentheses, with comments and TTL units.
    ['example. 60 IN SOA ns.example. hostmaster.example. (\n 2024010101 ; serial\n 1h 15m 1w 60 )', 'example. 60 IN SOA ns.example. hostmaster.example. 2024010101 3600 900 604800 60'],
    ['x.example. 60 TXT "hello world" bare "a\\"b" "\\065\\066"', 'x.example. 60 IN TXT "hello world" "bare" "a"b" "AB"'],
    ['x.example. 60 HINFO "cpu" "os"', 'x.example. 60 IN HINFO "cpu" "os"'],
  ];
  for (const [text, want] of cases) await t.test(text, () => assert.equal(wire(text), want));
});

test('records of other types and RFC 3597 data', () => {
  const caa = parseRecord('x.example. 60 CAA 0 issue "ca.example"');
  assert.deepEqual((dnsPacket.decode(dnsPacket.encode({ type: 'response', answers: [caa] })).answers![0]! as { data: unknown }).data, { flags: 0, tag: 'issue', value: 'ca.example', issuerCritical: false });
  const naptr = parseRecord('x.example. 60 NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.example.');
  assert.deepEqual((dnsPacket.decode(dnsPacket.encode({ type: 'response', answers: [naptr] })).answers![0]! as { data: unknown }).data, { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example' });
  // Types in RFC 3597's form, known or not.
  for (const text of ['x.example. 60 TYPE65280 \\# 3 abcdef', 'x.example. 60 HTTPS \\# 3 ab cd ef']) {
    const msg = dnsPacket.encode({ type: 'response', answers: [parseRecord(text)] });
    assert.equal(msg.subarray(msg.length - 3).toString('hex'), 'abcdef', text);
  }
  // SPF: TXT's data under type 99.
  const spf = dnsPacket.encode({ type: 'response', answers: [parseRecord('x.example. 60 SPF "v=spf1 -all"')] });
  assert.equal(spf.readUInt16BE(spf.length - 22), 99);
  assert.equal(spf.subarray(spf.length - 12).toString('latin1'), '\x0bv=spf1 -all');
  // Long TXT strings are cut into 255-octet pieces.
  const long = dnsPacket.decode(dnsPacket.encode({ type: 'response', answers: [parseRecord(`x. TXT "${'a'.repeat(300)}"`)] })).answers![0]! as { data: Buffer[] };
  assert.deepEqual(long.data.map((b) => b.length), [255, 45]);
});

test('text that is no record is refused with what is wrong', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /dns: no record/],
    ['test.example.', /dns: not a TTL: "test.example."/],
    ['x. 60 IN A 300.1.1.1', /bad A: "300.1.1.1"/],
    ['x. 60 IN A 192.0.2.1 192.0.2.2', /A needs 1 rdata fields, got 2/],
    ['x. 60 IN AAAA 192.0.2.1', /bad AAAA/],
    ['x. 60 IN AAAA fe80::1%eth0', /bad AAAA/],
    ['x. 60 IN MX 70000 y.', /bad MX preference: "70000"/],
    ['x. 60 IN BOGUS 1', /unknown RR type "BOGUS"/],
    ['x. 60 IN LOC 1 2 3', /type LOC is not supported in presentation form: write its data in RFC 3597's form/],
    ['x. 60 IN TYPE1 \\# 4 c0000201ff', /RFC 3597 data is not 4 octets of hex/],
    ['x..example. 60 IN A 192.0.2.1', /bad name "x..example."/],
    [`${'a'.repeat(64)}.example. A 192.0.2.1`, /bad name/],
    [`${'abcdefgh.'.repeat(29)} A 192.0.2.1`, /name too long/],
    ['a\\.b.example. A 192.0.2.1', /escaped names are not supported/],
    ['x. 60 NONE A 192.0.2.1', /class NONE is not supported in records/],
    ['x. 60 IN TXT "open', /unbalanced quotes/],
    ['x. 60 IN SOA a. b. ( 1 2 3 4 5', /unbalanced brace/],
    ['x. 60 IN A 192.0.2.1\ny. 60 IN A 192.0.2.2', /more than one record/],
    ['x. 99999999999 IN A 192.0.2.1', /not a TTL: "99999999999"/],
  ];
  for (const [text, error] of cases) await t.test(JSON.stringify(text).slice(0, 60), () => assert.throws(() => parseRecord(text), error));
});
