import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, type Handler, type Next, parseRequest, QClass, Rcode, Request } from '@chaindns/core';
import { assertCase, type Case, makeRequest, serveWith } from '@chaindns/core/testing';
import { createHosts, type HostsLine, loadTable, normalizeHostName, parseAddress } from '../src/index.js';
import { A, AAAA, ROW } from '../src/table.js';

interface Options {
  readonly zones?: readonly string[];
  readonly fallthrough?: readonly string[] | null;
  readonly unsupported?: boolean;
  readonly inline?: string;
  readonly ttl?: number;
  readonly reverse?: boolean;
}

/** A hosts handler over `file` (and `inline`), built as setup builds it. */
function hostsOf(file: string, o: Options = {}): Handler {
  const zones = o.zones ?? ['.'];
  const reverse = o.reverse ?? true;
  const inline = (o.inline ?? '').split('\n').map((line): HostsLine => {
    const [ip, ...names] = line.trim().split(/\s+/);
    return { address: parseAddress(ip!)!, names: names.map((n) => normalizeHostName(n)!) };
  });
  const { table } = loadTable(file, { zones, reverse, inline: o.inline ? inline : [], ttl: o.ttl ?? 3600 });
  return createHosts({ zones, fallthrough: o.fallthrough ?? null, fallthroughUnsupported: o.unsupported ?? false, source: { table } });
}

/** The ip6.arpa name of an IPv6 address written as its 32 hex digits. */
function ip6arpa(hex: string): string {
  assert.equal(hex.length, 32);
  return [...hex].reverse().join('.') + '.ip6.arpa.';
}

/** The rest of the chain in these tests: answers nothing, returns REFUSED (as CoreDNS's test.NextHandler), counts calls. */
function nextHandler(): Next & { calls: number } {
  const next = Object.assign(() => (next.calls++, Rcode.REFUSED), { calls: 0 });
  return next;
}

/** Runs `c` against `h`: with `passes`, expects the query handed to next and nothing written. */
async function check(h: Handler, c: Case & { passes?: boolean; servfail?: boolean }, req: Request = makeRequest(c.qname, c.qtype as 'A')): Promise<void> {
  const next = nextHandler();
  const { rcode, recorder } = await serveWith(h, req, next);
  if (c.passes) {
    assert.equal(next.calls, 1, `${c.qname} ${c.qtype}: passed on`);
    assert.equal(recorder.msg, null, `${c.qname} ${c.qtype}: nothing written`);
    return;
  }
  assert.equal(next.calls, 0, `${c.qname} ${c.qtype}: not passed on`);
  if (c.servfail) {
    assert.equal(rcode, Rcode.SERVFAIL, `${c.qname} ${c.qtype}: SERVFAIL left to the server`);
    assert.equal(recorder.msg, null);
    return;
  }
  assert.equal(rcode, Rcode.NOERROR);
  assertCase(recorder.packet(), { authoritative: true, ...c });
}

// CoreDNS's hosts_test.go: hostsExample and hostsTestCases.
const hostsExample = `
127.0.0.1 localhost localhost.domain
::1 localhost localhost.domain
10.0.0.1 example.org
::FFFF:10.0.0.2 example.com
10.0.0.3 fallthrough-example.org
1.2.3.4 aa.example.com
5.6.7.8 *.apps.example.com
reload 5s
timeout 3600
`;

test('CoreDNS hostsTestCases', async (t) => {
  const cases: (Case & { passes?: boolean })[] = [
    { qname: 'example.org.', qtype: 'A', answer: ['example.org. 3600 IN A 10.0.0.1'] },
    { qname: 'example.com.', qtype: 'A', answer: ['example.com. 3600 IN A 10.0.0.2'] },
    { qname: 'localhost.', qtype: 'AAAA', answer: ['localhost. 3600 IN AAAA ::1'] },
    { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: ['1.0.0.10.in-addr.arpa. 3600 PTR example.org.'] },
    { qname: '2.0.0.10.in-addr.arpa.', qtype: 'PTR', answer: ['2.0.0.10.in-addr.arpa. 3600 PTR example.com.'] },
    { qname: '1.0.0.127.in-addr.arpa.', qtype: 'PTR', answer: ['1.0.0.127.in-addr.arpa. 3600 PTR localhost.', '1.0.0.127.in-addr.arpa. 3600 PTR localhost.domain.'], ordered: true },
    { qname: 'example.org.', qtype: 'AAAA', answer: [] },
    { qname: 'example.org.', qtype: 'MX', answer: [] },
    // CoreDNS lists apps.example.com A => 5.6.7.8, but its hosts answers nothing there (*.apps covers
    // the labels below apps, not apps) and its test skips the check when nothing was written.
    { qname: 'x.apps.example.com.', qtype: 'A', answer: ['x.apps.example.com. 3600 IN A 5.6.7.8'] },
    { qname: 'aa.example.com.', qtype: 'A', answer: ['aa.example.com. 3600 IN A 1.2.3.4'] },
  ];
  const h = hostsOf(hostsExample);
  for (const c of cases) await t.test(`${c.qname} ${c.qtype}`, () => check(h, c));
  await t.test('apps.example.com. A: not covered by *.apps.example.com, so SERVFAIL', () => check(h, { qname: 'apps.example.com.', qtype: 'A', servfail: true }));
  await t.test('fallthrough-example.org. AAAA: the name has an A, so NODATA even with fallthrough', () =>
    check(hostsOf(hostsExample, { fallthrough: ['.'] }), { qname: 'fallthrough-example.org.', qtype: 'AAAA', answer: [] }),
  );
});

test('CoreDNS TestFallthroughUnsupportedType: TXT for a name the hosts data has', async (t) => {
  const cases = [
    { name: 'existing name returns nodata by default', qname: 'example.org.', fallthrough: ['.'], unsupported: false, passes: false },
    { name: 'existing name falls through with opt-in', qname: 'example.org.', fallthrough: ['.'], unsupported: true, passes: true },
    { name: 'opt-in respects fallthrough zones', qname: 'example.org.', fallthrough: ['example.net.'], unsupported: true, passes: false },
    { name: 'missing name still falls through', qname: 'missing.example.org.', fallthrough: ['.'], unsupported: false, passes: true },
  ];
  for (const c of cases) {
    await t.test(c.name, () => check(hostsOf(hostsExample, { fallthrough: c.fallthrough, unsupported: c.unsupported }), { qname: c.qname, qtype: 'TXT', answer: [], passes: c.passes }));
  }
});

// CoreDNS's hostsfile_test.go (from Go's net/hosts_test.go).
const files = {
  hosts: `255.255.255.255	broadcasthost
	127.0.0.2	odin
	127.0.0.3	odin  # inline comment
	::2             odin
	127.1.1.1	thor
	# aliases
	127.1.1.2	ullr ullrhost
	fe80::1%lo0	localhost
	# Bogus entries that must be ignored.
	123.123.123	loki
	321.321.321.321`,
  singleline: '127.0.0.2  odin',
  ipv4: `# See https://tools.ietf.org/html/rfc1123.
	#

	# internet address and host name
	127.0.0.1	localhost	# inline comment separated by tab
	127.0.0.2	localhost       # inline comment separated by space

	# internet address, host name and aliases
	127.0.0.3	localhost	localhost.localdomain`,
  ipv6: `# See https://tools.ietf.org/html/rfc5952, https://tools.ietf.org/html/rfc4007.

	# internet address and host name
	::1						localhost	# inline comment separated by tab
	fe80:0000:0000:0000:0000:0000:0000:0001		localhost       # inline comment separated by space

	# internet address with zone identifier and host name
	fe80:0000:0000:0000:0000:0000:0000:0002%lo0	localhost

	# internet address, host name and aliases
	fe80::3%lo0					localhost	localhost.localdomain`,
  case: `127.0.0.1	PreserveMe	PreserveMe.local
		::1		PreserveMe	PreserveMe.local`,
};

test('CoreDNS TestLookupStaticHost: A and AAAA in file order, any letter case asked', async (t) => {
  const cases: [keyof typeof files, string, string[], string[]][] = [
    ['hosts', 'odin.', ['127.0.0.2', '127.0.0.3'], ['::2']],
    ['hosts', 'thor.', ['127.1.1.1'], []],
    ['hosts', 'ullr.', ['127.1.1.2'], []],
    ['hosts', 'ullrhost.', ['127.1.1.2'], []],
    ['hosts', 'localhost.', [], ['fe80::1']],
    ['singleline', 'odin.', ['127.0.0.2'], []],
    ['ipv4', 'localhost.', ['127.0.0.1', '127.0.0.2', '127.0.0.3'], []],
    ['ipv4', 'localhost.localdomain.', ['127.0.0.3'], []],
    ['ipv6', 'localhost.', [], ['::1', 'fe80::1', 'fe80::2', 'fe80::3']],
    ['ipv6', 'localhost.localdomain.', [], ['fe80::3']],
    ['case', 'PreserveMe.', ['127.0.0.1'], ['::1']],
    ['case', 'PreserveMe.local.', ['127.0.0.1'], ['::1']],
  ];
  for (const [file, name, v4, v6] of cases) {
    const h = hostsOf(files[file]);
    for (const asked of [name, name.toLowerCase(), name.toUpperCase()]) {
      await t.test(`${file}: ${asked}`, async () => {
        await check(h, { qname: asked, qtype: 'A', answer: v4.map((ip) => `${name} 3600 IN A ${ip}`), ordered: true });
        await check(h, { qname: asked, qtype: 'AAAA', answer: v6.map((ip) => `${name} 3600 IN AAAA ${ip}`), ordered: true });
      });
    }
  }
  await t.test('bogus lines are ignored', async () => {
    await check(hostsOf(files.hosts), { qname: 'loki.', qtype: 'A', servfail: true });
  });
});

test('CoreDNS TestLookupStaticAddr: PTR names in file order', async (t) => {
  const cases: [keyof typeof files, string, string[]][] = [
    ['hosts', '255.255.255.255.in-addr.arpa.', ['broadcasthost.']],
    ['hosts', '2.0.0.127.in-addr.arpa.', ['odin.']],
    ['hosts', '3.0.0.127.in-addr.arpa.', ['odin.']],
    ['hosts', ip6arpa('0'.repeat(31) + '2'), ['odin.']],
    ['hosts', '1.1.1.127.in-addr.arpa.', ['thor.']],
    ['hosts', '2.1.1.127.in-addr.arpa.', ['ullr.', 'ullrhost.']],
    ['hosts', ip6arpa('fe80' + '0'.repeat(27) + '1'), ['localhost.']],
    ['ipv4', '3.0.0.127.in-addr.arpa.', ['localhost.', 'localhost.localdomain.']],
    ['ipv6', ip6arpa('0'.repeat(31) + '1'), ['localhost.']],
    ['ipv6', ip6arpa('fe80' + '0'.repeat(27) + '3'), ['localhost.', 'localhost.localdomain.']],
    ['case', '1.0.0.127.in-addr.arpa.', ['preserveme.', 'preserveme.local.']],
  ];
  for (const [file, rev, names] of cases) {
    await t.test(`${file}: ${rev}`, () => check(hostsOf(files[file]), { qname: rev, qtype: 'PTR', answer: names.map((n) => `${rev} 3600 IN PTR ${n}`), ordered: true }));
  }
});

test('CoreDNS TestLookupWildcardHost: one label below the wildcard, explicit names first, never the apex', async (t) => {
  const h = hostsOf(`
127.0.0.53 *.example.org
127.0.1.52 *.intern.example.org
127.0.0.54 foo.example.org
192.168.33.10 *.example.com
192.168.33.11 a.example.com
192.168.33.12 b.example.com
`);
  const cases: [string, string | null][] = [
    ['foo.example.org.', '127.0.0.54'],
    ['bar.example.org.', '127.0.0.53'],
    ['bar.intern.example.org.', '127.0.1.52'],
    ['a.example.com.', '192.168.33.11'],
    ['b.example.com.', '192.168.33.12'],
    ['c.example.com.', '192.168.33.10'],
    ['C.Example.COM.', '192.168.33.10'],
    ['example.com.', null],
    ['deep.foo.example.org.', null],
  ];
  for (const [name, ip] of cases) {
    await t.test(name, () => check(h, ip ? { qname: name, qtype: 'A', answer: [`${name} 3600 IN A ${ip}`] } : { qname: name, qtype: 'A', servfail: true }));
  }
  await t.test('the wildcard name itself, and a first label holding a dot, are covered too', async () => {
    await check(h, { qname: '*.example.com.', qtype: 'A', answer: ['*.example.com. 3600 IN A 192.168.33.10'] });
    // One label `a.b` below example.com (dns-packet prints the owner without its escape).
    await check(h, { qname: 'a\\.b.example.com.', qtype: 'A', answer: ['a.b.example.com. 3600 IN A 192.168.33.10'] });
  });
  await t.test('a wildcard name answers AAAA with NODATA and makes no PTR', async () => {
    await check(h, { qname: 'c.example.com.', qtype: 'AAAA', answer: [] });
    await check(h, { qname: '10.33.168.192.in-addr.arpa.', qtype: 'PTR', passes: true });
  });
});

test('answers, NODATA, SERVFAIL and passing on', async (t) => {
  const file = '10.0.0.1 a.example.org\n10.0.0.2 a.example.org\nfd00::1 b.example.org\n10.0.0.1 a.example.org\n127.0.0.1 localhost';
  const zoned = hostsOf(file, { zones: ['example.org.'] });
  const cases: [string, Handler, Case & { passes?: boolean; servfail?: boolean }][] = [
    ['both addresses of a name, a repeated line once', zoned, { qname: 'a.example.org', qtype: 'A', answer: ['a.example.org. 3600 IN A 10.0.0.1', 'a.example.org. 3600 IN A 10.0.0.2'], ordered: true }],
    ['NODATA for the family a name lacks', zoned, { qname: 'b.example.org', qtype: 'A', answer: [], ns: [] }],
    ['NODATA for a type hosts does not serve', zoned, { qname: 'a.example.org', qtype: 'TXT', answer: [] }],
    ['SERVFAIL for a missing name without fallthrough', zoned, { qname: 'c.example.org', qtype: 'A', servfail: true }],
    ['SERVFAIL for another type of a missing name', zoned, { qname: 'c.example.org', qtype: 'MX', servfail: true }],
    ['a name outside the zones passes on, fallthrough or not', zoned, { qname: 'localhost', qtype: 'A', passes: true }],
    ['a zone matches whole labels only', zoned, { qname: 'a.notexample.org', qtype: 'A', passes: true }],
    ['the zone in any letter case', zoned, { qname: 'A.EXAMPLE.Org', qtype: 'A', answer: ['a.example.org. 3600 IN A 10.0.0.1', 'a.example.org. 3600 IN A 10.0.0.2'] }],
    ['a file name outside the zones is dropped, PTR too', zoned, { qname: '1.0.0.127.in-addr.arpa', qtype: 'PTR', passes: true }],
    ['PTR under no zone of the plugin', zoned, { qname: '1.0.0.10.in-addr.arpa', qtype: 'PTR', answer: ['1.0.0.10.in-addr.arpa. 3600 IN PTR a.example.org.'] }],
    ['a PTR it lacks passes on without fallthrough', zoned, { qname: '9.0.0.10.in-addr.arpa', qtype: 'PTR', passes: true }],
    ['a PTR query for a forward name passes on', zoned, { qname: 'a.example.org', qtype: 'PTR', passes: true }],
    ['ip6.arpa of an IPv4-mapped address finds the IPv4 names', zoned, { qname: `1.0.0.0.0.0.a.0.f.f.f.f.${'0.'.repeat(20)}ip6.arpa.`, qtype: 'PTR', answer: [`1.0.0.0.0.0.a.0.f.f.f.f.${'0.'.repeat(20)}ip6.arpa. 3600 IN PTR a.example.org.`] }],
    ['fallthrough passes a missing name on', hostsOf(file, { fallthrough: ['.'] }), { qname: 'c.example.org', qtype: 'A', passes: true }],
    ['fallthrough ZONES: a missing name outside them gets SERVFAIL', hostsOf(file, { fallthrough: ['example.net.'] }), { qname: 'c.example.org', qtype: 'A', servfail: true }],
    ['no_reverse: no PTR', hostsOf(file, { reverse: false }), { qname: '1.0.0.10.in-addr.arpa', qtype: 'PTR', passes: true }],
    ['ttl', hostsOf(file, { ttl: 60 }), { qname: 'b.example.org', qtype: 'AAAA', answer: ['b.example.org. 60 IN AAAA fd00::1'] }],
    ['ttl on PTR', hostsOf(file, { ttl: 60 }), { qname: ip6arpa('fd00' + '0'.repeat(27) + '1'), qtype: 'PTR', answer: [`${ip6arpa('fd00' + '0'.repeat(27) + '1')} 60 IN PTR b.example.org.`] }],
  ];
  for (const [name, h, c] of cases) await t.test(name, () => check(h, c));
});

test('the file first, then the inline entries, each name and address once', async (t) => {
  const h = hostsOf('10.0.0.1 a.example.org\n192.0.2.1 *.example.org', { inline: '10.0.0.2 a.example.org\n10.0.0.1 a.example.org\nfd00::2 a.example.org\n192.0.2.2 *.example.org' });
  const cases: Case[] = [
    { qname: 'a.example.org', qtype: 'A', answer: ['a.example.org. 3600 IN A 10.0.0.1', 'a.example.org. 3600 IN A 10.0.0.2'], ordered: true },
    { qname: 'a.example.org', qtype: 'AAAA', answer: ['a.example.org. 3600 IN AAAA fd00::2'] },
    { qname: 'x.example.org', qtype: 'A', answer: ['x.example.org. 3600 IN A 192.0.2.1', 'x.example.org. 3600 IN A 192.0.2.2'], ordered: true },
    { qname: '1.0.0.10.in-addr.arpa', qtype: 'PTR', answer: ['1.0.0.10.in-addr.arpa. 3600 IN PTR a.example.org.'] },
  ];
  for (const c of cases) await t.test(`${c.qname} ${c.qtype}`, () => check(h, c));
  // As CoreDNS, per source and family: the file has no AAAA of its own for b, so its wildcard's.
  await t.test('a name the inline entries have takes the file wildcard of the family it lacks there', () =>
    check(hostsOf('fd00::9 *.example.org', { inline: '10.0.0.7 b.example.org' }), { qname: 'b.example.org', qtype: 'AAAA', answer: ['b.example.org. 3600 IN AAAA fd00::9'] }),
  );
});

test('the reply: the question as asked, AA, RD and CD echoed, an OPT when the query had one', async () => {
  const h = hostsOf('10.0.0.1 a.example.org');
  const req = makeRequest('A.Example.ORG', 'A', { edns: { udpSize: 1232, do: true }, id: 4242 });
  const { recorder } = await serveWith(h, req, nextHandler());
  const msg = recorder.msg!;
  assert.equal(msg.readUInt16BE(0), 4242);
  assert.equal(msg.readUInt16BE(2), 0x8500, 'QR, AA, RD; no RA, no rcode');
  const p = recorder.packet();
  assert.equal(p.questions?.[0]?.name, 'A.Example.ORG');
  assert.equal(p.answers?.[0]?.name, 'A.Example.ORG', 'the owner points at the question');
  const opt = p.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number; flags?: number } | undefined;
  assert.equal(opt?.udpPayloadSize, 1232);
});

test('records no message can carry: a header with TC, not a crash', async () => {
  // 5000 names for one address: the PTR answer is past 64 KiB.
  const file = `10.9.9.9 ${Array.from({ length: 5000 }, (_, i) => `host-number-${i}.example.org`).join(' ')}`;
  const { recorder } = await serveWith(hostsOf(file), makeRequest('9.9.9.10.in-addr.arpa', 'PTR', { transport: 'tcp' }), nextHandler());
  const p = recorder.packet();
  assert.equal(p.answers?.length, 0);
  assert.equal((p.flags! & 0x200) !== 0, true, 'TC');
});

test('a class other than IN passes on', async () => {
  const msg = buildQuery('a.example.org', 1);
  msg.writeUInt16BE(QClass.CH, msg.length - 2);
  const req = parseRequest(msg, 'udp', { address: '127.0.0.1', port: 1, family: 4 });
  assert.ok(req instanceof Request);
  await check(hostsOf('10.0.0.1 a.example.org'), { qname: 'a.example.org', qtype: 'A', passes: true }, req);
});

test('a hosts file of 100,000 lines loads in under a second of CPU and answers every line', async () => {
  const lines = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 9 ? `fd00::${i >> 16}:${(i & 0xffff).toString(16)} host-${i}.example` : `10.${i >> 16}.${(i >> 8) & 0xff}.${i & 0xff} host-${i}.example alias-${i}.example`));
  const c0 = process.cpuUsage();
  const { table, entries } = loadTable(lines.join('\n'), { zones: ['.'], reverse: true, ttl: 3600, inline: [] });
  const cpu = process.cpuUsage(c0);
  const ms = (cpu.user + cpu.system) / 1000;
  assert.ok(ms < 1000, `loaded in ${ms} ms of CPU`);
  assert.equal(entries, 90_000 * 4 + 10_000 * 2);
  // Every line's record, straight from the table (records written where the buffer grew included).
  for (let i = 0; i < lines.length; i++) {
    const q = buildQuery(`host-${i}.example`, 1);
    const o = table.find(q, q.length - 4);
    const at = o * ROW + (i % 10 === 9 ? AAAA : A);
    const [off, len, count] = [table.rows[at]!, table.rows[at + 1]!, table.rows[at + 2]!];
    const ip = lines[i]!.split(' ')[0]!;
    assert.deepEqual([count, len, Buffer.from(table.arena.subarray(off + 12, off + len)).toString('hex')], [1, len, Buffer.from(parseAddress(ip)!).toString('hex')], `host-${i}`);
  }
  const h = createHosts({ zones: ['.'], fallthrough: null, fallthroughUnsupported: false, source: { table } });
  await check(h, { qname: 'host-0.example', qtype: 'A', answer: ['host-0.example. 3600 IN A 10.0.0.0'] });
  await check(h, { qname: 'alias-65537.example', qtype: 'A', answer: ['alias-65537.example. 3600 IN A 10.1.0.1'] });
  await check(h, { qname: 'host-99999.example', qtype: 'AAAA', answer: ['host-99999.example. 3600 IN AAAA fd00::1:869f'] });
  await check(h, { qname: '1.0.1.10.in-addr.arpa', qtype: 'PTR', answer: ['1.0.1.10.in-addr.arpa. 3600 IN PTR host-65537.example.', '1.0.1.10.in-addr.arpa. 3600 IN PTR alias-65537.example.'], ordered: true });
});
