import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyPluginDefinition, definePlugin, QClass, reply } from '@chaindns/core';
import { assertCase, type Case, dig, readmeCorefiles, startTestServer, type TestServer } from '@chaindns/core/testing';
import { template } from '../src/index.js';

/**
 * A stand-in for *forward* (the README examples forward to 8.8.8.8): it answers
 * every question, of any class, with an A record of its own, so a test sees
 * what went on past *template*, and what a CNAME's target resolved to.
 */
const FORWARD = '192.0.2.53';
const forward = definePlugin<null>({
  name: 'forward',
  anyClass: true,
  parse: () => null,
  setup: () => ({ name: 'forward', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: FORWARD }] })), 0) }),
});
const plugins = [template, forward] as AnyPluginDefinition[];

type Row = Case & { qclass?: number; ede?: [number, string] };

const forwarded = (qname: string, qtype = 'A'): Row => ({ qname, qtype, answer: [`${qname}. 5 IN A ${FORWARD}`], authoritative: false });
const nx = (qname: string, qtype: string, ns: string[] = []): Row => ({ qname, qtype, rcode: 'NXDOMAIN', answer: [], ns, authoritative: true });
const SOA_INVALID = 'invalid. 60 IN SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60';

/** What each README example answers, in the README's order. */
const expectations: { what: string; rows: Row[] }[] = [
  { what: 'everything NXDOMAIN', rows: [nx('anything.example', 'A'), nx('example.org', 'MX')] },
  {
    what: '.invalid NXDOMAIN, its SOA and extended error',
    rows: [
      { ...nx('foo.invalid', 'MX', [SOA_INVALID]), ede: [21, 'Blocked according to RFC2606'] },
      // CH reaches template through forward's class, and gets the same denial, in CH.
      {
        ...nx('foo.invalid', 'TXT'),
        ns: [{ name: 'invalid', type: 'SOA', ttl: 60, class: 'CH', data: { mname: 'ns.invalid', rname: 'hostmaster.invalid', serial: 1, refresh: 60, retry: 60, expire: 60, minimum: 60 } }],
        qclass: QClass.CH,
      },
      forwarded('example.org'),
    ],
  },
  {
    what: 'search domain completions by zone',
    rows: [nx('something.example.com.dc1.example.com', 'A', ['example.com.dc1.example.com. 60 IN SOA ns.example.com. hostmaster.example.com. 1 60 60 60 60']), forwarded('www.example.com')],
  },
  {
    what: 'search domain completions by regex',
    rows: [nx('something.example.com.dc1.example.com', 'AAAA', ['dc1.example.com. 60 IN SOA ns.dc1.example.com. hostmaster.dc1.example.com. 1 60 60 60 60']), forwarded('www.example.com')],
  },
  {
    what: 'A/PTR for .example',
    rows: [
      { qname: 'ip-10-1-2-3.example', qtype: 'A', answer: ['ip-10-1-2-3.example. 60 IN A 10.1.2.3'], authoritative: true },
      { qname: 'www.ip-192-168-0-1.example', qtype: 'A', answer: ['www.ip-192-168-0-1.example. 60 IN A 192.168.0.1'] },
      { qname: '3.2.1.10.in-addr.arpa', qtype: 'PTR', answer: ['3.2.1.10.in-addr.arpa. 60 IN PTR ip-10-1-2-3.example.'] },
      forwarded('other.example'),
    ],
  },
  {
    what: 'device addresses in private ranges (var, expr)',
    rows: [
      { qname: '192-168-1-10.abcdefghijklmnopqrstuvwxyz.example.com', qtype: 'A', answer: ['192-168-1-10.abcdefghijklmnopqrstuvwxyz.example.com. 60 IN A 192.168.1.10'], authoritative: true },
      { qname: '10-0-0-1.aaaaaaaaaaaaaaaaaaaaaaaaaa.example.com', qtype: 'A', answer: ['10-0-0-1.aaaaaaaaaaaaaaaaaaaaaaaaaa.example.com. 60 IN A 10.0.0.1'] },
      forwarded('8-8-8-8.abcdefghijklmnopqrstuvwxyz.example.com'),
      forwarded('192-168-1-10.short.example.com'),
    ],
  },
  { what: 'parseInt', rows: [{ qname: 'ip0a7b7b7b.example', qtype: 'A', answer: ['ip0a7b7b7b.example. 60 IN A 10.123.123.123'] }, forwarded('ip0azz.example')] },
  {
    what: 'multiple patterns',
    rows: [
      { qname: 'ip-10-1-2-3.dc.example', qtype: 'A', answer: ['ip-10-1-2-3.dc.example. 60 IN A 10.1.2.3'] },
      { qname: '1.2.3.4.ext.example', qtype: 'A', answer: ['1.2.3.4.ext.example. 60 IN A 1.2.3.4'] },
      forwarded('ip-11-1-2-3.dc.example'),
    ],
  },
  {
    what: 'A and MX',
    rows: [
      { qname: 'ip-10-1-2-3.example', qtype: 'A', answer: ['ip-10-1-2-3.example. 60 IN A 10.1.2.3'] },
      { qname: 'ip-10-1-2-3.example', qtype: 'MX', answer: ['ip-10-1-2-3.example. 60 IN MX 10 ip-10-1-2-3.example.'], extra: ['ip-10-1-2-3.example. 60 IN A 10.1.2.3'] },
    ],
  },
  {
    what: 'authoritative nameservers',
    rows: [
      {
        qname: 'ip-10-1-2-3.example',
        qtype: 'A',
        answer: ['ip-10-1-2-3.example. 60 IN A 10.1.2.3'],
        ns: ['example. 60 IN NS ns0.example.', 'example. 60 IN NS ns1.example.'],
        extra: ['ns0.example. 60 IN A 203.0.113.8', 'ns1.example. 60 IN A 198.51.100.8'],
      },
      {
        qname: 'ip-10-1-2-3.example',
        qtype: 'MX',
        answer: ['ip-10-1-2-3.example. 60 IN MX 10 ip-10-1-2-3.example.'],
        ns: ['example. 60 IN NS ns0.example.', 'example. 60 IN NS ns1.example.'],
        extra: ['ip-10-1-2-3.example. 60 IN A 10.1.2.3', 'ns0.example. 60 IN A 203.0.113.8', 'ns1.example. 60 IN A 198.51.100.8'],
      },
    ],
  },
  {
    what: 'fabricated CNAME, its target resolved through the server',
    rows: [
      { qname: 'foogle.com', qtype: 'A', answer: ['foogle.com. 60 IN CNAME google.com.', `google.com. 5 IN A ${FORWARD}`], ordered: true, authoritative: true },
      { qname: 'foogle.com', qtype: 'MX', answer: ['foogle.com. 60 IN CNAME google.com.'] },
      { qname: 'www.foogle.com', qtype: 'A', rcode: 'SERVFAIL', answer: [] },
    ],
  },
  {
    what: "OpenShift's IPv6 filter",
    rows: [{ qname: 'api.cluster.example', qtype: 'AAAA', answer: [], ns: [], authoritative: true }, forwarded('api.cluster.example')],
  },
  {
    what: "AKS's search-suffix guard",
    rows: [
      nx('svc.ns.cluster.local.vm1.internal.cloudapp.net', 'A'),
      nx('a.b.c.d.internal.cloudapp.net', 'AAAA'),
      forwarded('vm1.internal.cloudapp.net'),
      forwarded('a.b.c.internal.cloudapp.net'),
      nx('www.reddog.microsoft.com', 'A'),
      forwarded('www.microsoft.com'),
    ],
  },
];

/** Asks `s` every row over UDP and TCP, with EDNS for the rows that expect an extended error. */
async function ask(s: TestServer, rows: readonly Row[]): Promise<void> {
  for (const transport of ['udp', 'tcp'] as const) {
    for (const row of rows) {
      const { packet } = await s.query(row.qname, row.qtype as 'A', { transport, ...(row.qclass ? { qclass: row.qclass } : {}), ...(row.ede ? { edns: { udpSize: 1232 } } : {}) });
      assertCase(packet, row);
      if (row.ede) {
        const opt = packet.additionals?.find((a) => a.type === 'OPT') as unknown as { options: { code: number; data: Buffer }[] };
        assert.deepEqual(
          opt.options.map((o) => [o.code, o.data.readUInt16BE(0), o.data.subarray(2).toString()]),
          [[15, ...row.ede]],
          `${row.qname} over ${transport}: extended error`,
        );
      }
    }
  }
}

const readme = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

test('the README examples are served as CoreDNS answers them', async (t) => {
  assert.equal(readme.length, expectations.length);
  for (const [i, e] of expectations.entries()) {
    await t.test(e.what, async () => {
      // AKS's key names port 53; the test server listens on a free port.
      const s = await startTestServer(readme[i]!.replace('.:53 {', '. {'), { plugins });
      try {
        await ask(s, e.rows);
      } finally {
        await s.stop();
      }
    });
  }
});

test('dig reads the answers and the extended error', async () => {
  const s = await startTestServer(readme[1]! + readme[4]!.replace(/^\. \{/, 'example in-addr.arpa {'), { plugins });
  try {
    const invalid = await dig(s.port, 'foo.invalid', 'A');
    assert.match(invalid, /status: NXDOMAIN/);
    assert.match(invalid, /flags: qr aa rd;/);
    assert.match(invalid, /; EDE: 21 \(Not Supported\): \(Blocked according to RFC2606\)/);
    assert.match(invalid, /^invalid\.\s+60\s+IN\s+SOA\s+ns\.invalid\. hostmaster\.invalid\. 1 60 60 60 60$/m);
    assert.equal((await dig(s.port, '+short', 'ip-10-1-2-3.example', 'A')).trim(), '10.1.2.3');
    assert.equal((await dig(s.port, '+short', '+tcp', '-x', '10.1.2.3')).trim(), 'ip-10-1-2-3.example.');
  } finally {
    await s.stop();
  }
});

test('a CNAME that leads back to itself is answered, not followed for ever', async () => {
  const s = await startTestServer(
    `. {
      template IN A self.example {
        answer "{{ .Name }} 60 IN CNAME {{ .Name }}"
      }
      template IN A a.example b.example {
        match ^a[.]
        answer "a.example. 60 IN CNAME b.example."
        fallthrough
      }
      template IN A b.example {
        answer "b.example. 60 IN CNAME a.example."
      }
    }`,
    { plugins },
  );
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      assertCase((await s.query('self.example', 'A', { transport, timeoutMs: 2000 })).packet, { qname: 'self.example', qtype: 'A', answer: ['self.example. 60 IN CNAME self.example.'] });
      assertCase((await s.query('a.example', 'A', { transport, timeoutMs: 2000 })).packet, { qname: 'a.example', qtype: 'A', answer: ['a.example. 60 IN CNAME b.example.', 'b.example. 60 IN CNAME a.example.'] });
    }
  } finally {
    await s.stop();
  }
});
