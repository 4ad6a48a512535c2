import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnyPluginDefinition } from '@chaindns/core';
import { assertCase, dig, present, readmeCorefiles, rr as rrOf, startTestServer, type TestServer } from '@chaindns/core/testing';
import { rewrite } from '../src/index.js';
import { plugins } from './backends.js';
import { optionsOf } from './kit.js';

const ascii = (text: string): string => Buffer.from(text).toString('hex');

interface Row {
  readonly qname: string;
  readonly qtype: 'A' | 'SRV' | 'PTR' | 'TXT';
  readonly rcode?: number;
  readonly answer?: string[];
  readonly extra?: string[];
  readonly ordered?: boolean;
  /** How the query reached the backend: `<qname> <qtype> <options>` (see backends.ts), or its start. */
  readonly seen?: string;
  /** The EDNS0 options of the client's reply; null: no OPT. */
  readonly options?: [number, string][] | null;
  /** Ask without EDNS0. */
  readonly plain?: boolean;
}

/** Starts `corefile` (its keys' ports replaced by a free one) with the stand-in backends. */
function start(corefile: string): Promise<TestServer> {
  return startTestServer(corefile.replace(/^\.:53 \{/m, '. {'), { plugins: plugins(rewrite as AnyPluginDefinition) });
}

/** Asks every row over UDP and TCP. */
async function check(s: TestServer, rows: readonly Row[]): Promise<void> {
  for (const transport of ['udp', 'tcp'] as const) {
    for (const row of rows) {
      const label = `${row.qname} ${row.qtype} over ${transport}`;
      const r = await s.query(row.qname, row.qtype, { transport, ...(row.plain ? {} : { edns: { udpSize: 1232 } }) });
      assert.equal(r.rcode, row.rcode ?? 0, `${label}: rcode`);
      assert.deepEqual(r.packet.questions, [{ name: row.qname, type: row.qtype, class: 'IN' }], `${label}: the client's own question`);
      assertCase(r.packet, { qname: row.qname, qtype: row.qtype, rcode: row.rcode ?? 0, ...(row.answer ? { answer: row.answer } : {}), ...(row.ordered ? { ordered: true } : {}) });
      const additional = (r.packet.additionals ?? []).filter((a) => a.type !== 'OPT' && a.name !== 'seen.invalid');
      if (row.extra) assert.deepEqual(additional.map(present).sort(), row.extra.map((e) => present(rrOf(e))).sort(), `${label}: additional`);
      if (row.seen) {
        const seen = (r.packet.additionals ?? []).find((a) => a.name === 'seen.invalid') as { data: Buffer[] } | undefined;
        assert.ok(seen && String(seen.data[0]).startsWith(row.seen), `${label}: the backend saw "${seen ? String(seen.data[0]) : 'nothing'}", not "${row.seen}"`);
      }
      if (row.options !== undefined) assert.deepEqual(optionsOf(r.msg), row.options, `${label}: EDNS0 options`);
    }
  }
}

/** What each README example answers, in the README's order. */
const expectations: { what: string; rows: Row[] }[] = [
  {
    what: 'name substring',
    rows: [
      { qname: 'ftp.service.us-west-1.example.org', qtype: 'A', answer: ['ftp.service.us-west-1.consul. 5 IN A 192.0.2.53'], seen: 'ftp.service.us-west-1.consul. A' },
      { qname: 'www.example.org', qtype: 'A', answer: ['www.example.org. 5 IN A 192.0.2.53'], seen: 'www.example.org. A' },
    ],
  },
  { what: 'name regex', rows: [{ qname: 'ftp-us-west-1.example.org', qtype: 'A', answer: ['ftp.service.us-west-1.consul. 5 IN A 192.0.2.53'], seen: 'ftp.service.us-west-1.consul. A' }] },
  { what: 'name suffix', rows: [{ qname: 'www.schmoogle.com', qtype: 'A', answer: ['www.google.com. 5 IN A 192.0.2.53'], seen: 'www.google.com. A' }] },
  {
    what: 'answer auto',
    rows: [
      { qname: 'ftp.coredns.rocks', qtype: 'A', answer: ['ftp.coredns.rocks. 5 IN A 192.0.2.53'], seen: 'ftp.service.consul. A' },
      { qname: 'alias.coredns.rocks', qtype: 'A', answer: ['alias.coredns.rocks. 30 IN CNAME target.coredns.rocks.', 'target.coredns.rocks. 30 IN A 192.0.2.54'], seen: 'alias.service.consul. A' },
      { qname: '_ldap._tcp.coredns.rocks', qtype: 'SRV', answer: ['_ldap._tcp.coredns.rocks. 30 IN SRV 0 100 80 pod-0._ldap._tcp.coredns.rocks.'], extra: ['pod-0._ldap._tcp.coredns.rocks. 30 IN A 10.0.0.2'] },
    ],
  },
  { what: 'answer name', rows: [{ qname: 'ftp-us-west-1.coredns.rocks', qtype: 'A', answer: ['ftp-us-west-1.coredns.rocks. 5 IN A 192.0.2.53'], seen: 'ftp.service.us-west-1.consul. A' }] },
  { what: 'answer value', rows: [{ qname: '30.30.30.10.in-addr.arpa', qtype: 'PTR', answer: ['30.30.30.10.in-addr.arpa. 60 IN PTR ftp-us-west-1.coredns.rocks.'], seen: '30.30.30.10.in-addr.arpa. PTR' }] },
  {
    what: 'exact',
    rows: [
      { qname: 'red.example.org', qtype: 'A', answer: ['red.example.org. 5 IN A 192.0.2.53'], seen: 'blue.example.org. A' },
      { qname: 'Red.Example.ORG', qtype: 'A', answer: ['red.example.org. 5 IN A 192.0.2.53'], seen: 'blue.example.org. A' },
      { qname: 'red.example.org', qtype: 'SRV', answer: ['red.example.org. 30 IN SRV 0 100 80 pod-0.red.example.org.'], extra: ['pod-0.red.example.org. 30 IN A 10.0.0.2'] },
    ],
  },
  {
    what: "AKS's custom DNS",
    rows: [
      { qname: 'web.example.com', qtype: 'A', answer: ['web.example.com. 5 IN A 10.96.0.10'], seen: 'web.default.svc.cluster.local. A' },
      // Owner names in every section are rewritten; the SRV's target is a value, left as it is.
      { qname: '_http._tcp.web.example.com', qtype: 'SRV', answer: ['_http._tcp.web.example.com. 5 IN SRV 0 100 80 web.default.svc.cluster.local.'], extra: ['web.example.com. 5 IN A 10.96.0.10'] },
      { qname: 'alias.example.com', qtype: 'A', ordered: true, answer: ['alias.example.com. 5 IN CNAME web.default.svc.cluster.local.', 'web.example.com. 5 IN A 10.96.0.10'] },
      { qname: 'www.example.org', qtype: 'A', answer: ['www.example.org. 5 IN A 192.0.2.53'], seen: 'www.example.org. A' },
    ],
  },
  {
    what: 'ttl',
    rows: [
      { qname: 'x.coredns.rocks', qtype: 'A', answer: ['x.coredns.rocks. 15 IN A 192.0.2.53'] },
      { qname: 'example.com', qtype: 'A', answer: ['example.com. 30 IN A 192.0.2.53'] },
      { qname: 'www.example.com', qtype: 'A', answer: ['www.example.com. 5 IN A 192.0.2.53'] },
    ],
  },
  {
    what: 'rcode',
    rows: [
      { qname: 'fail.coredns.rocks', qtype: 'A', answer: [] },
      { qname: 'other.coredns.rocks', qtype: 'A', answer: [], plain: true },
      { qname: 'fail.example.org', qtype: 'A', rcode: 2 },
    ],
  },
  {
    what: 'cname',
    rows: [
      {
        qname: 'my-app.com',
        qtype: 'A',
        ordered: true,
        answer: ['my-app.com. 200 IN CNAME my-app.example.', 'my-app.example. 200 IN CNAME my-app.com.other.cdn.com.', 'my-app.com.other.cdn.com. 100 IN A 30.3.1.2'],
      },
    ],
  },
  {
    what: 'edns0 local set, hex',
    rows: [
      { qname: 'example.org', qtype: 'A', seen: `example.org. A 65518=${ascii('abcd')}`, options: [[0xffee, ascii('abcd')]] },
      { qname: 'example.org', qtype: 'A', plain: true, seen: `example.org. A 65518=${ascii('abcd')}`, options: null },
    ],
  },
  { what: 'edns0 local set, text, nothing after it', rows: [{ qname: 'example.org', qtype: 'A', rcode: 2 }] },
  {
    what: 'edns0 subnet and {client_ip}',
    rows: [{ qname: 'example.org', qtype: 'A', seen: 'example.org. A 8=000118007f0000,65518=7f000001', options: [[0xffee, '7f000001']] }],
  },
  { what: 'edns0 revert, nothing after it', rows: [{ qname: 'example.org', qtype: 'A', rcode: 2 }] },
  { what: 'edns0 partial revert, nothing after it', rows: [{ qname: 'example.org', qtype: 'A', rcode: 2 }] },
];

test('every README example answers as CoreDNS would, over UDP and TCP', async (t) => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, expectations.length, 'one row set per README example');
  for (const [i, corefile] of examples.entries()) {
    await t.test(expectations[i]!.what, async () => {
      const s = await start(corefile);
      try {
        await check(s, expectations[i]!.rows);
      } finally {
        await s.stop();
      }
    });
  }
});

test("operators' rules: exact into the cluster, a regex without an answer rule, revert before a backend", async (t) => {
  const cases: { what: string; corefile: string; rows: Row[] }[] = [
    {
      what: 'name exact',
      corefile: '. {\n  rewrite name exact foo.example.com foo.default.svc.cluster.local\n  kubernetes cluster.local\n  forward . /etc/resolv.conf\n}',
      rows: [
        { qname: 'foo.example.com', qtype: 'A', answer: ['foo.example.com. 5 IN A 10.96.0.10'], seen: 'foo.default.svc.cluster.local. A' },
        { qname: 'bar.example.com', qtype: 'A', answer: ['bar.example.com. 5 IN A 192.0.2.53'], seen: 'bar.example.com. A' },
      ],
    },
    {
      what: "name regex, no answer rule: the answer keeps the new name, the question is the client's",
      corefile: '. {\n  rewrite name regex (.*)\\.example\\.com {1}.default.svc.cluster.local\n  kubernetes cluster.local\n}',
      rows: [{ qname: 'Web.Example.com', qtype: 'A', answer: ['web.default.svc.cluster.local. 5 IN A 10.96.0.10'], seen: 'web.default.svc.cluster.local. A' }],
    },
    {
      what: "the README's partial revert, with whoami after it",
      corefile: '. {\n  rewrite continue {\n    edns0 local set 0xffee abcd\n  }\n  rewrite edns0 local replace 0xffee bcde revert\n  whoami\n}',
      rows: [
        { qname: 'example.org', qtype: 'A', seen: `example.org. A 65518=${ascii('bcde')}`, options: [[0xffee, ascii('abcd')]], extra: ['example.org. 0 IN A 127.0.0.1'] },
        { qname: 'example.org', qtype: 'A', plain: true, options: null },
      ],
    },
  ];
  for (const c of cases) {
    await t.test(c.what, async () => {
      const s = await start(c.corefile);
      try {
        await check(s, c.rows);
      } finally {
        await s.stop();
      }
    });
  }
});

test('dig sees its own question and the names mapped back (AKS), over UDP and TCP', async () => {
  const s = await start(readmeCorefiles(new URL('../../README.md', import.meta.url).pathname)[7]!);
  try {
    for (const transport of ['+notcp', '+tcp']) {
      const out = await dig(s.port, transport, 'WeB.ExAmple.com', 'A');
      assert.match(out, /status: NOERROR/);
      assert.match(out, /^;WeB\.ExAmple\.com\.\s+IN\s+A$/m);
      assert.match(out, /^web\.example\.com\.\s+5\s+IN\s+A\s+10\.96\.0\.10$/m);
      assert.doesNotMatch(out, /mismatch/i);
      const srv = await dig(s.port, transport, '_http._tcp.web.example.com', 'SRV');
      assert.match(srv, /^_http\._tcp\.web\.example\.com\.\s+5\s+IN\s+SRV\s+0 100 80 web\.default\.svc\.cluster\.local\.$/m);
    }
  } finally {
    await s.stop();
  }
});

test('dig sees the EDNS0 option the rewrite set, no OPT without EDNS0, and its CH question back', async () => {
  const s = await start(readmeCorefiles(new URL('../../README.md', import.meta.url).pathname)[11]!);
  try {
    const out = await dig(s.port, 'example.org', 'A');
    assert.match(out, /OPT=65518: 61 62 63 64/);
    const plain = await dig(s.port, '+noedns', 'example.org', 'A');
    assert.match(plain, /status: NOERROR/);
    assert.doesNotMatch(plain, /OPT PSEUDOSECTION/);
  } finally {
    await s.stop();
  }
  const ch = await start('. {\n  rewrite class CH IN\n  forward . 10.0.0.10\n}');
  try {
    // dig also says the message is malformed: IN records under a CH question, as CoreDNS answers it.
    for (const transport of ['+notcp', '+tcp']) {
      const out = await dig(ch.port, transport, 'version.bind', 'TXT', 'CH');
      assert.match(out, /^;version\.bind\.\s+CH\s+TXT$/m);
      assert.match(out, /^version\.bind\.\s+0\s+IN\s+TXT\s+"from IN"$/m);
      assert.doesNotMatch(out, /mismatch/i);
    }
  } finally {
    await ch.stop();
  }
});

test('{server_ip} in a block listening on all addresses: a warning at start, and the rule does not apply', async () => {
  const s = await start('. {\n  rewrite edns0 local set 0xffee {server_ip}\n  whoami\n}');
  try {
    assert.ok(s.logs.some((l) => l.startsWith('[WARNING] plugin/rewrite: {server_ip} is known only in a block that listens on one address')), s.logs.join('\n'));
    await check(s, [{ qname: 'example.org', qtype: 'A', seen: 'example.org. A none', options: [] }]);
  } finally {
    await s.stop();
  }
});
