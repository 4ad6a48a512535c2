import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { canonicalName, encodeName, parseRecord, PresentationLexer, QType } from '../src/index.js';
import { rr } from '../src/testing/index.js';

/** The RDATA dns-packet writes for a record, as an independent encoder to compare with. */
function packetRdata(answer: dnsPacket.Answer): string {
  const wire = dnsPacket.encode({ type: 'response', answers: [answer] });
  const nameEnd = 12 + encodeName(`${answer.name}.`).length;
  return wire.subarray(nameEnd + 10).toString('hex');
}

test('records read from text give the RDATA dns-packet encodes', () => {
  const cases: [string, dnsPacket.Answer][] = [
    ['www.example.org. 300 IN A 192.0.2.1', { name: 'www.example.org', type: 'A', data: '192.0.2.1' }],
    ['www AAAA 2001:db8::1', { name: 'www', type: 'AAAA', data: '2001:db8::1' }],
    ['x AAAA ::ffff:192.0.2.1', { name: 'x', type: 'AAAA', data: '::ffff:192.0.2.1' }],
    ['x MX 10 mail', { name: 'x', type: 'MX', data: { preference: 10, exchange: 'mail.example.org' } }],
    ['x TXT "v=spf1 a mx ~all" "second" bare', { name: 'x', type: 'TXT', data: ['v=spf1 a mx ~all', 'second', 'bare'] }],
    ['x TXT "a\\"b\\059c\\\\"', { name: 'x', type: 'TXT', data: ['a"b;c\\'] }],
    ['x SRV 10 20 8080 target.example.org.', { name: 'x', type: 'SRV', data: { priority: 10, weight: 20, port: 8080, target: 'target.example.org' } }],
    ['x CAA 0 issue "letsencrypt.org"', { name: 'x', type: 'CAA', data: { flags: 0, tag: 'issue', value: 'letsencrypt.org' } }],
    ['x CAA 128 iodef mailto:a@b.c', { name: 'x', type: 'CAA', data: { flags: 128, tag: 'iodef', value: 'mailto:a@b.c' } }],
    ['@ SOA ns. host. ( 2017042745 4H 1H 7D 1h30m )', { name: 'x', type: 'SOA', data: { mname: 'ns', rname: 'host', serial: 2017042745, refresh: 14400, retry: 3600, expire: 604800, minimum: 5400 } }],
    ['x DS 10056 5 1 EE72CABD1927759CDDA92A10DBF431504B9E1F13', { name: 'x', type: 'DS', data: { keyTag: 10056, algorithm: 5, digestType: 1, digest: Buffer.from('EE72CABD1927759CDDA92A10DBF431504B9E1F13', 'hex') } }],
    ['x HINFO "INTEL" "LINUX"', { name: 'x', type: 'HINFO', data: { cpu: 'INTEL', os: 'LINUX' } }],
    ['x NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.example.com.', { name: 'x', type: 'NAPTR', data: { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.com' } }],
    ['x SSHFP 1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac', { name: 'x', type: 'SSHFP', data: { algorithm: 1, hash: 1, fingerprint: 'dd465c09cfa51fb45020cc83316fff21b9ec74ac' } }],
    ['x TLSA 3 1 1 0123456789ab cdef', { name: 'x', type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from('0123456789abcdef', 'hex') } }],
    ['x NSEC a.miek.nl. A NS SOA MX AAAA RRSIG NSEC DNSKEY', { name: 'x', type: 'NSEC', data: { nextDomain: 'a.miek.nl', rrtypes: ['A', 'NS', 'SOA', 'MX', 'AAAA', 'RRSIG', 'NSEC', 'DNSKEY'] } }],
    ['x DNSKEY 256 3 8 AwEAAeDZTH9Y T9qLMPlq', { name: 'x', type: 'DNSKEY', data: { flags: 256, algorithm: 8, key: Buffer.from('AwEAAeDZTH9YT9qLMPlq', 'base64') } }],
    [
      'x RRSIG DS 13 3 1800 20161129153240 20161030153240 49035 example.org. rlNNzcUmtbjLSl02ZzQG',
      { name: 'x', type: 'RRSIG', data: { typeCovered: 'DS', algorithm: 13, labels: 3, originalTTL: 1800, expiration: Date.UTC(2016, 10, 29, 15, 32, 40) / 1000, inception: Date.UTC(2016, 9, 30, 15, 32, 40) / 1000, keyTag: 49035, signersName: 'example.org', signature: Buffer.from('rlNNzcUmtbjLSl02ZzQG', 'base64') } },
    ],
  ];
  for (const [text, answer] of cases) {
    const r = parseRecord(text, { origin: 'example.org.' });
    assert.equal(r.type, QType[answer.type as keyof typeof QType], text);
    assert.equal(r.rdata.toString('hex'), packetRdata({ ...answer, ttl: 0, class: 'IN' } as dnsPacket.Answer), text);
  }
});

test('SVCB and HTTPS parameters as RFC 9460 appendix D writes them; LOC as RFC 1876; RFC 3597 for any type', () => {
  const cases: [string, string][] = [
    ['example.com. SVCB 1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1', '0001 03666f6f076578616d706c6503636f6d00 0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001'],
    ['example.com. SVCB 16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1', '0010 03666f6f076578616d706c65036f726700 0000 0004 00010004 0001 0009 026832 0568332d3139 0004 0004 c0000201'],
    ['example.com. SVCB 16 foo.example.org. alpn="f\\\\\\\\oo\\\\,bar,h2"', '0010 03666f6f076578616d706c65036f726700 0001 000c 08665c6f6f2c626172 026832'],
    ['x HTTPS 1 . alpn="h2,h3" port="8443" no-default-alpn', '0001 00 0001 0006 026832026833 0002 0000 0003 0002 20fb'],
    ['x LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m', '00001613 8b3cf018 810cbce0 009895b8'],
    ['x LOC 42 21 54 N 71 06 18 W -24m 30m', '00331613 89172dd0 70be15f0 00988d20'],
    ['x TYPE65534 \\# 4 0a000001', '0a000001'],
    ['x NULL \\# 0', ''],
    ['x A \\# 4 c0000201', 'c0000201'],
  ];
  for (const [text, hex] of cases) assert.equal(parseRecord(text).rdata.toString('hex'), hex.replace(/ /g, ''), text);
});

test('what is not a record says why', () => {
  const cases: [string, RegExp][] = [
    ['x A 300.1.1.1', /address: "300\.1\.1\.1" is not an IPv4 address/],
    ['x AAAA 1::2::3', /address: "1::2::3" is not an IPv6 address/],
    ['x MX ten mail', /preference: expected a number from 0 to 65535, got "ten"/],
    ['x TXT', /missing text/],
    ['x FOO 1', /unknown type "FOO"/],
    ['x A 1.2.3.4 extra', /unexpected "extra" after the record's data/],
    ['x DS 1 2 3 zz', /digest: not hex/],
    ['x DNSKEY 256 3 8 !!!', /public key: not base64/],
    ['x TXT "' + 'a'.repeat(256) + '"', /text is longer than 255 bytes/],
    ['x CNAME "quoted."', /a name cannot be quoted/],
    ['x HTTPS 1 . foo=bar', /unknown SvcParamKey "foo"/],
    ['x HTTPS 1 . port=1 port=2', /SvcParamKey "port" given twice/],
    ['x A \\# 4 c00002', /\\# says 4 bytes, the hex holds 3/],
    ['x NULL 1', /type 10 has no presentation form here/],
    ['x. 300 A', /missing address/],
    ['a..b. A 192.0.2.1', /empty label/],
  ];
  for (const [text, error] of cases) assert.throws(() => parseRecord(text), error, text);
});

test('the lexer: entries across parentheses, comments, quotes, blank owners, with their lines', () => {
  const lexer = new PresentationLexer('$ORIGIN example.org.\n@ SOA ns host ( 1 ; serial\n 2 3 4 5 )\n\n; only a comment\n\t"quoted ; not a comment" A 192.0.2.1\nesc\\ aped TXT a\\"b\n');
  const entries = [];
  for (let e = lexer.next(); e; e = lexer.next()) entries.push(e);
  assert.deepEqual(entries, [
    { tokens: ['$ORIGIN', 'example.org.'], line: 1, blankOwner: false },
    { tokens: ['@', 'SOA', 'ns', 'host', '1', '2', '3', '4', '5'], line: 2, blankOwner: false },
    { tokens: ['"quoted ; not a comment"', 'A', '192.0.2.1'], line: 6, blankOwner: true },
    { tokens: ['esc\\ aped', 'TXT', 'a\\"b'], line: 7, blankOwner: false },
  ]);
  assert.throws(() => new PresentationLexer('a ) b').next(), /unbalanced "\)"/);
  // With reuse, one entry object comes back each time, holding the entry just read.
  const reused = new PresentationLexer('a A 192.0.2.1\n  b TXT x\n', { reuse: true });
  const first = reused.next()!;
  assert.deepEqual([...first.tokens, first.line, first.blankOwner], ['a', 'A', '192.0.2.1', 1, false]);
  const second = reused.next()!;
  assert.equal(second, first);
  assert.deepEqual([...second.tokens, second.line, second.blankOwner], ['b', 'TXT', 'x', 2, true]);
  assert.equal(reused.next(), null);
});

test('canonicalName: absolute, lowercased, escapes as a query name has them', () => {
  assert.equal(canonicalName('WWW', 'Example.ORG.'), 'www.example.org.');
  assert.equal(canonicalName('@', 'example.org.'), 'example.org.');
  assert.equal(canonicalName('a\\046B.example.', '.'), 'a\\.b.example.');
  assert.equal(canonicalName('tab\\009x.', '.'), 'tab\\009x.');
  assert.equal(canonicalName('x', '.'), 'x.');
});

test("the test kit's rr() reads types it has no case for through parseRecord", () => {
  const caa = rr('caa.example.org. 300 IN CAA 0 issue "letsencrypt.org"') as { type: string; ttl: number; data: { tag: string; value: string } };
  assert.deepEqual([caa.type, caa.ttl, caa.data.tag, caa.data.value], ['CAA', 300, 'issue', 'letsencrypt.org']);
  assert.equal(rr('x.example.org. DS 10056 5 1 EE72CABD').type, 'DS');
});
