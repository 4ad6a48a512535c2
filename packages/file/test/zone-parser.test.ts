import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { QType } from '@chaindns/core';
import { assertCase, makeRequest, serveWith } from '@chaindns/core/testing';
import { loadZone } from '../src/index.js';
import { fileHandler } from './zones.js';

const dir = mkdtempSync(join(tmpdir(), 'chaindns-zone-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Every record of a loaded zone as `owner ttl type`, in file order per name. */
function records(text: string, origin = 'example.org.', path = join(dir, 'db')): string[] {
  const zone = loadZone(path, origin, text);
  const out: string[] = [`${zone.soa!.node.name} ${zone.soa!.set.ttl} SOA`];
  for (const node of zone.names.values()) for (const set of node.sets) for (const p of set.records()) out.push(`${node.name} ${set.buf.readUInt32BE(p + 4)} ${QType.A === set.type ? 'A' : set.type}`);
  return out;
}

const HEAD = '@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n';

test('owners: absolute, relative to $ORIGIN, @, left blank for the previous one; TTLs: $TTL, the last given, units', () => {
  const text = `$TTL 1h
$ORIGIN example.org.
${HEAD}www    A 192.0.2.1
       300 A 192.0.2.2
$ORIGIN sub.example.org.
a      IN 2D A 192.0.2.3
@      A 192.0.2.4
b.example.net. A 192.0.2.5
`;
  assert.deepEqual(records(text), ['example.org. 3600 SOA', 'www.example.org. 3600 A', 'www.example.org. 300 A', 'sub.example.org. 3600 A', 'a.sub.example.org. 172800 A', 'b.example.net. 3600 A']);
  // Without $TTL, a record without a TTL takes the last one given (RFC 1035), and 3600 before any.
  assert.deepEqual(records(`${HEAD.replace('IN SOA', 'IN 1W2d3h4m5S SOA')}www A 192.0.2.1\nwww2 A 192.0.2.2\n`), ['example.org. 788645 SOA', 'www.example.org. 788645 A', 'www2.example.org. 788645 A']);
  assert.deepEqual(records(`${HEAD}www A 192.0.2.1\n`), ['example.org. 3600 SOA', 'www.example.org. 3600 A']);
});

test('parentheses, comments and quoted strings span lines as RFC 1035 says', async () => {
  const text = `$ORIGIN example.org.
@ IN SOA ns hostmaster ( ; a comment ( with parens )
      2024010101 ; serial
      4H 1H 7D 1h30m )
  IN NS ns
ns A 192.0.2.53
txt TXT ( "one; not a comment" "two \\"quoted\\"" ) three
esc\\.aped A 192.0.2.9
dec\\046imal AAAA ::1
`;
  await check(text, 'example.org.', [
    { qname: 'example.org.', qtype: 'SOA', answer: ['example.org. 3600 IN SOA ns.example.org. hostmaster.example.org. 2024010101 14400 3600 604800 5400'] },
    { qname: 'txt.example.org.', qtype: 'TXT', answer: ['txt.example.org. 3600 IN TXT "one; not a comment" "two \\"quoted\\"" "three"'] },
  ]);
  // A dot inside a label (dns-packet's decoder shows it as a plain dot, so the counts tell): \\046 and \\. are one name, as CoreDNS's canonicalEscape makes them.
  const handler = fileHandler({ 'example.org.': text });
  for (const [name, type] of [['esc\\.aped.example.org', 'A'], ['dec\\.imal.example.org', 'AAAA'], ['dec\\046imal.example.org', 'AAAA']] as const) {
    const { recorder } = await serveWith(handler, makeRequest(name, type));
    assert.deepEqual([recorder.rcode, recorder.packet().answers?.length], [0, 1], name);
  }
  assert.equal((await serveWith(handler, makeRequest('esc.aped.example.org', 'A'))).recorder.rcode, 3, 'esc.aped (two labels) is another name');
});

test('$INCLUDE reads a file from the including file\'s directory, with its own origin; the parent\'s origin is left as it was', async () => {
  const sub = join(dir, 'inc');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(sub, 'hosts.inc'), 'foo\tIN\tA\t127.0.0.1\n');
  writeFileSync(join(sub, 'other.inc'), 'bar A 127.0.0.2\n$INCLUDE hosts.inc\n');
  const main = join(sub, 'db.example.org');
  const text = `$ORIGIN example.org.\n${HEAD}  IN NS ns\n$INCLUDE hosts.inc\n$INCLUDE "other.inc" sub.example.org.\nafter A 127.0.0.3\n`;
  const zone = loadZone(main, 'example.org.', text);
  assert.deepEqual(['foo.example.org.', 'bar.sub.example.org.', 'foo.sub.example.org.', 'after.example.org.'].map((n) => zone.names.get(n)?.get(QType.A)?.count ?? 0), [1, 1, 1, 1]);
  writeFileSync(join(sub, 'loop.inc'), '$INCLUDE loop.inc\n');
  assert.throws(() => loadZone(main, 'example.org.', `${HEAD}$INCLUDE loop.inc\n`), /loop\.inc:1: too deeply nested \$INCLUDE \(more than 7\)/);
  assert.throws(() => loadZone(main, 'example.org.', `${HEAD}\n$INCLUDE missing.inc\n`), /db\.example\.org:3: \$INCLUDE missing\.inc: ENOENT/);
});

test('$GENERATE makes its records as BIND and miekg/dns do', () => {
  const zone = loadZone(join(dir, 'db'), 'example.org.', `${HEAD}$GENERATE 1-4/2 host-$ A 192.0.2.$\n$GENERATE 10-11 r\${0,3,x} CNAME host-\${-9}\n$GENERATE 1-2 \\$x$ TXT "n=$"\n`);
  assert.deepEqual(
    [...zone.names.keys()].filter((n) => n !== 'example.org.'),
    ['host-1.example.org.', 'host-3.example.org.', 'r00a.example.org.', 'r00b.example.org.', '$x1.example.org.', '$x2.example.org.'],
  );
  assert.throws(() => loadZone(join(dir, 'db'), 'example.org.', `${HEAD}$GENERATE 5-1 a A 192.0.2.1\n`), /db:2: \$GENERATE: bad range "5-1"/);
});

test('what does not load, with file:line and the reason', () => {
  const cases: { text: string; error: RegExp }[] = [
    { text: 'www A 192.0.2.1\n', error: /has no SOA record for origin example\.org\./ },
    { text: `${HEAD}\n# invalid comment\nwww A 192.0.2.1\n`, error: /db:3: unknown type "invalid"/ },
    { text: '@ SOA ns hostmaster ( abc 1200 144 1814400 2h )\n', error: /db:1: serial: expected a number from 0 to 4294967295, got "abc"/ },
    { text: '@ SOA ns hostmaster ( 202512200817 1200 144 1814400 2h )\n', error: /db:1: serial: expected a number from 0 to 4294967295, got "202512200817"/ },
    { text: `${HEAD}www A 192.0.2.1 extra\n`, error: /db:2: unexpected "extra" after the record's data/ },
    { text: `${HEAD}www CH A 192.0.2.1\n`, error: /db:2: class CH: the file plugin serves class IN only/ },
    { text: `${HEAD}www A ( 192.0.2.1\n\n`, error: /db:2: unbalanced "\(": not closed by the end of the text/ },
    { text: `${HEAD}www TXT "open\n`, error: /db:2: unterminated quoted string/ },
    { text: `${HEAD}$FOO bar\n`, error: /db:2: unknown directive "\$FOO"/ },
    { text: `${HEAD}$TTL soon\n`, error: /db:2: \$TTL takes one TTL, got "soon"/ },
    { text: `   A 192.0.2.1\n${HEAD}`, error: /db:1: the first record has no owner name/ },
    { text: `${HEAD}www MX 10\n`, error: /db:2: missing name/ },
    { text: `${HEAD}${'a'.repeat(64)} A 192.0.2.1\n`, error: /db:2: a label of "a+" is longer than 63 bytes/ },
    { text: `${HEAD}@ NSEC3PARAM 1 0 5 A3DEBC9CC4F695C7\n`, error: /db:2: NSEC3 zone is not supported/ },
    { text: `${HEAD}x NSEC3 1 1 5 D0CBEAAF0AC77314 AUB95P93VPKP55G6U5S4SGS7LS61ND85 NS SOA\n`, error: /db:2: NSEC3 zone is not supported/ },
  ];
  for (const c of cases) assert.throws(() => loadZone(join(dir, 'db'), 'example.org.', c.text), c.error, c.text);
});

test('records of one name and type given apart in the file make one RRset', async () => {
  const lines = [HEAD, '  IN NS ns'];
  for (let i = 1; i <= 50; i++) lines.push(`www A 192.0.2.${i}`, `other${i} A 192.0.2.${i}`);
  const { recorder } = await serveWith(fileHandler({ 'example.org.': lines.join('\n') }), makeRequest('www.example.org', 'A'));
  assert.equal(recorder.packet().answers?.length, 50);
});

test('50,000 records load in under 2.5 s, and the time grows linearly with the records', () => {
  const zone = (n: number): string => {
    const lines = [`$ORIGIN example.org.\n$TTL 300\n${HEAD}  NS ns1\n  NS ns2\n`];
    for (let i = 0; i < n; i++) lines.push(`host${i} A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}\n`);
    return lines.join('');
  };
  // The best of three: a shared machine only ever slows a run down.
  const time = (n: number): number => {
    const text = zone(n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = process.hrtime.bigint();
      const z = loadZone(join(dir, 'db'), 'example.org.', text);
      assert.equal(z.names.size, n + 1);
      best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
    }
    return best;
  };
  const small = time(10_000);
  const large = time(50_000);
  assert.ok(large < 2500, `50k records took ${large.toFixed(0)} ms`);
  assert.ok(large < small * 5 * 3, `50k records took ${large.toFixed(0)} ms, 10k ${small.toFixed(0)} ms: not linear`);
});

async function check(text: string, origin: string, rows: Parameters<typeof assertCase>[1][]): Promise<void> {
  const handler = fileHandler({ [origin]: text });
  for (const c of rows) {
    const { recorder } = await serveWith(handler, makeRequest(c.qname, c.qtype as keyof typeof QType));
    assertCase(recorder.packet(), c);
  }
}
