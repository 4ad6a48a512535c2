import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, type Handler, NO_REPLY, Opcode, parseRequest, QType, Rcode, reply, Request } from '@chaindns/core';
import { A, assertCase, type Case, makeRequest, serveWith } from '@chaindns/core/testing';
import {
  ALIAS_DELEGATION,
  DELEGATED_MIEK_NL,
  EXAMPLE_AUTH,
  EXAMPLE_NET,
  EXAMPLE_ORG,
  EXAMPLE_SOA,
  fileHandler,
  MIEK_AUTH,
  MIEK_NL,
  MIEK_SOA,
  SIGNED_AUTH,
  SIGNED_MIEK_NL,
  SIGNED_SOA,
} from './zones.js';

type Row = Case & { do?: boolean };

async function check(handler: Handler, zone: string, rows: readonly Row[]): Promise<void> {
  for (const c of rows) {
    const req = makeRequest(c.qname, c.qtype as keyof typeof QType, { zone, ...(c.do ? { edns: { udpSize: 4096, do: true } } : {}) });
    const { recorder } = await serveWith(handler, req);
    assert.equal(recorder.writes, 1, `${c.qname} ${c.qtype}: one reply written`);
    assertCase(recorder.packet(), c);
  }
}

const SOA_ONLY = [MIEK_SOA];

test('miek.nl: answers, CNAME chains in the zone, NODATA and NXDOMAIN with the SOA, additional addresses', async () => {
  await check(fileHandler({ 'miek.nl.': MIEK_NL }), 'miek.nl.', [
    { qname: 'www.miek.nl.', qtype: 'A', answer: ['a.miek.nl. 1800 IN A 139.162.196.78', 'www.miek.nl. 1800 IN CNAME a.miek.nl.'], ns: MIEK_AUTH, authoritative: true },
    { qname: 'www.miek.nl.', qtype: 'AAAA', answer: ['a.miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735', 'www.miek.nl. 1800 IN CNAME a.miek.nl.'], ns: MIEK_AUTH },
    { qname: 'miek.nl.', qtype: 'SOA', answer: [MIEK_SOA], ns: MIEK_AUTH },
    { qname: 'miek.nl.', qtype: 'AAAA', answer: ['miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735'], ns: MIEK_AUTH },
    { qname: 'mIeK.NL.', qtype: 'AAAA', answer: ['miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735'], ns: MIEK_AUTH },
    {
      qname: 'miek.nl.',
      qtype: 'MX',
      answer: ['miek.nl. 1800 IN MX 1 aspmx.l.google.com.', 'miek.nl. 1800 IN MX 10 aspmx2.googlemail.com.', 'miek.nl. 1800 IN MX 10 aspmx3.googlemail.com.', 'miek.nl. 1800 IN MX 5 alt1.aspmx.l.google.com.', 'miek.nl. 1800 IN MX 5 alt2.aspmx.l.google.com.'],
      ns: MIEK_AUTH,
    },
    { qname: 'miek.nl.', qtype: 'NS', answer: MIEK_AUTH, ns: [], extra: [] },
    { qname: 'a.miek.nl.', qtype: 'SRV', answer: [], ns: SOA_ONLY, authoritative: true },
    { qname: 'b.miek.nl.', qtype: 'A', rcode: 'NXDOMAIN', answer: [], ns: SOA_ONLY, authoritative: true },
    { qname: 'srv.miek.nl.', qtype: 'SRV', answer: ['srv.miek.nl. 1800 IN SRV 10 10 8080 a.miek.nl.'], ns: MIEK_AUTH, extra: ['a.miek.nl. 1800 IN A 139.162.196.78', 'a.miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735'] },
    { qname: 'mx.miek.nl.', qtype: 'MX', answer: ['mx.miek.nl. 1800 IN MX 10 a.miek.nl.'], ns: MIEK_AUTH, extra: ['a.miek.nl. 1800 IN A 139.162.196.78', 'a.miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735'] },
    { qname: 'asterisk.x.miek.nl.', qtype: 'CNAME', answer: ['asterisk.x.miek.nl. 1800 IN CNAME www.miek.nl.'], ns: MIEK_AUTH },
    { qname: 'foo.x.miek.nl.', qtype: 'A', answer: ['foo.x.miek.nl. 1800 IN CNAME www.miek.nl.', 'www.miek.nl. 1800 IN CNAME a.miek.nl.', 'a.miek.nl. 1800 IN A 139.162.196.78'], ns: MIEK_AUTH },
    { qname: 'a.b.x.miek.nl.', qtype: 'CNAME', rcode: 'NXDOMAIN', answer: [], ns: SOA_ONLY },
    { qname: 'asterisk.y.miek.nl.', qtype: 'A', answer: ['asterisk.y.miek.nl. 1800 IN A 139.162.196.78'], ns: MIEK_AUTH },
    { qname: 'x.miek.nl.', qtype: 'A', answer: [], ns: SOA_ONLY, authoritative: true },
    { qname: 'wildcard.nodata.miek.nl.', qtype: 'MX', answer: [], ns: SOA_ONLY },
    { qname: 'foo.dname.miek.nl.', qtype: 'CNAME', answer: ['dname.miek.nl. 1800 IN DNAME x.miek.nl.', 'foo.dname.miek.nl. 1800 IN CNAME foo.x.miek.nl.'], ns: MIEK_AUTH },
    {
      qname: 'foo.dname.miek.nl.',
      qtype: 'A',
      answer: ['dname.miek.nl. 1800 IN DNAME x.miek.nl.', 'foo.dname.miek.nl. 1800 IN CNAME foo.x.miek.nl.', 'foo.x.miek.nl. 1800 IN CNAME www.miek.nl.', 'www.miek.nl. 1800 IN CNAME a.miek.nl.', 'a.miek.nl. 1800 IN A 139.162.196.78'],
      ns: MIEK_AUTH,
    },
    { qname: 'ext-cname.miek.nl.', qtype: 'A', rcode: 'SERVFAIL', answer: ['ext-cname.miek.nl. 1800 IN CNAME example.com.'], ns: MIEK_AUTH },
    { qname: 'txt.miek.nl.', qtype: 'TXT', answer: ['txt.miek.nl. 1800 IN TXT "v=spf1 a mx ~all"'], ns: MIEK_AUTH },
    { qname: 'multi.miek.nl.', qtype: 'TXT', answer: ['multi.miek.nl. 1800 IN TXT "first string" "second; with a semicolon" "unquoted"'], ns: MIEK_AUTH },
    { qname: 'caa.miek.nl.', qtype: 'CAA', answer: ['caa.miek.nl. 1800 IN CAA 0 issue "letsencrypt.org"'], ns: MIEK_AUTH },
    { qname: 'miek.nl.', qtype: 'ANY', answer: [], ns: SOA_ONLY },
  ]);
});

test('delegations: referrals without AA, with glue; DS at the cut answered by the parent', async () => {
  const referral = { ns: ['delegated.miek.nl. 1800 IN NS a.delegated.miek.nl.', 'delegated.miek.nl. 1800 IN NS ns-ext.nlnetlabs.nl.'], extra: ['a.delegated.miek.nl. 1800 IN A 139.162.196.78', 'a.delegated.miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735'], answer: [], authoritative: false };
  await check(fileHandler({ 'miek.nl.': DELEGATED_MIEK_NL }), 'miek.nl.', [
    { qname: 'a.delegated.miek.nl.', qtype: 'TXT', ...referral },
    { qname: 'delegated.miek.nl.', qtype: 'NS', ...referral },
    { qname: 'foo.delegated.miek.nl.', qtype: 'A', ...referral },
    { qname: 'foo.delegated.miek.nl.', qtype: 'SOA', ...referral },
    { qname: 'a.delegated.miek.nl.', qtype: 'DS', ...referral },
    { qname: '_udp.delegated.miek.nl.', qtype: 'DS', ...referral },
    { qname: '_udp.miek.nl.', qtype: 'DS', rcode: 'NXDOMAIN', ns: SOA_ONLY },
    { qname: 'miek.nl.', qtype: 'DS', answer: [], ns: SOA_ONLY },
    { qname: 'delegated.miek.nl.', qtype: 'DS', answer: [], ns: SOA_ONLY, authoritative: true },
    { qname: 'miek.nl.', qtype: 'AAAA', answer: [], ns: SOA_ONLY },
  ]);
});

test('a secure delegation: DO referrals carry the DS and its RRSIG; the DS itself is answered by the parent', async () => {
  const zone = `$ORIGIN example.org.
@ 1800 IN SOA sns.dns.icann.org. noc.dns.icann.org. 2016082508 7200 3600 1209600 3600
  1800 IN NS a.iana-servers.net.
  1800 IN NS b.iana-servers.net.
  1800 IN RRSIG NS 13 2 1800 20161129153240 20161030153240 49035 example.org. bGxySG9JdXc=
delegated 1800 IN NS a.delegated
          1800 IN NS ns-ext.nlnetlabs.nl.
          1800 IN DS 10056 5 1 EE72CABD1927759CDDA92A10DBF431504B9E1F13
          1800 IN RRSIG DS 13 3 1800 20161129153240 20161030153240 49035 example.org. cmxOTnpjVW0=
a.delegated 1800 IN A 139.162.196.78
`;
  const ds = ['delegated.example.org. 1800 IN DS 10056 5 1 EE72CABD1927759CDDA92A10DBF431504B9E1F13', 'delegated.example.org. 1800 IN RRSIG DS 13 3 1800 20161129153240 20161030153240 49035 example.org. cmxOTnpjVW0='];
  const ns = ['delegated.example.org. 1800 IN NS a.delegated.example.org.', 'delegated.example.org. 1800 IN NS ns-ext.nlnetlabs.nl.'];
  const glue = ['a.delegated.example.org. 1800 IN A 139.162.196.78'];
  await check(fileHandler({ 'example.org.': zone }), 'example.org.', [
    { do: true, qname: 'foo.delegated.example.org.', qtype: 'A', authoritative: false, answer: [], ns: [...ns, ...ds], extra: glue },
    { do: true, qname: 'delegated.example.org.', qtype: 'NS', authoritative: false, answer: [], ns: [...ns, ...ds], extra: glue },
    { qname: 'foo.delegated.example.org.', qtype: 'A', authoritative: false, answer: [], ns, extra: glue },
    {
      do: true,
      qname: 'delegated.example.org.',
      qtype: 'DS',
      authoritative: true,
      answer: ds,
      ns: ['example.org. 1800 IN NS a.iana-servers.net.', 'example.org. 1800 IN NS b.iana-servers.net.', 'example.org. 1800 IN RRSIG NS 13 2 1800 20161129153240 20161030153240 49035 example.org. bGxySG9JdXc='],
    },
  ]);
});

test('a signed zone: RRSIGs and NSEC records pass through to DO queries only', async () => {
  const handler = fileHandler({ 'miek.nl.': SIGNED_MIEK_NL });
  const nsec = (owner: string, next: string, types: string, sig: string, labels = 3): string[] => [`${owner} 14400 IN NSEC ${next} ${types}`, `${owner} 14400 IN RRSIG NSEC 8 ${labels} 14400 20160426031301 20160327031301 12051 miek.nl. ${sig}`];
  await check(handler, 'miek.nl.', [
    { do: true, qname: 'miek.nl.', qtype: 'SOA', answer: SIGNED_SOA, ns: SIGNED_AUTH },
    { do: true, qname: 'miek.nl.', qtype: 'AAAA', answer: ['miek.nl. 1800 IN AAAA 2a01:7e00::f03c:91ff:fef1:6735', 'miek.nl. 1800 IN RRSIG AAAA 8 2 1800 20160426031301 20160327031301 12051 miek.nl. U3NSVA=='], ns: SIGNED_AUTH },
    { do: true, qname: 'miek.nl.', qtype: 'NS', answer: SIGNED_AUTH, ns: [], extra: [] },
    { do: true, qname: 'miek.nl.', qtype: 'DNSKEY', answer: ['miek.nl. 1800 IN DNSKEY 256 3 8 AwEAAcNEU67LJI5GEgF9QLNqLO1SMq1EdoQ6E9f85ha0k0ewQGCblyW2', 'miek.nl. 1800 IN RRSIG DNSKEY 8 2 1800 20160426031301 20160327031301 12051 miek.nl. cDFsLzcvVW1Kek5K'], ns: SIGNED_AUTH },
    {
      do: true,
      qname: 'www.miek.nl.',
      qtype: 'A',
      answer: [
        'www.miek.nl. 1800 IN CNAME a.miek.nl.',
        'www.miek.nl. 1800 IN RRSIG CNAME 8 3 1800 20160426031301 20160327031301 12051 miek.nl. TlZabU1KYXlwUyt3REwyTGFyNFp3MXpG',
        'a.miek.nl. 1800 IN A 139.162.196.78',
        'a.miek.nl. 1800 IN RRSIG A 8 3 1800 20160426031301 20160327031301 12051 miek.nl. bHhMb3RDaldaM2tpaFR4aw==',
      ],
      ns: SIGNED_AUTH,
    },
    { do: true, qname: 'a.miek.nl.', qtype: 'SRV', answer: [], ns: [...SIGNED_SOA, ...nsec('a.miek.nl.', 'archive.miek.nl.', 'A AAAA RRSIG NSEC', 'R3FuRjZjdXRpcG1TSEVhbw==')] },
    {
      do: true,
      qname: 'b.miek.nl.',
      qtype: 'A',
      rcode: 'NXDOMAIN',
      ns: [...SIGNED_SOA, ...nsec('archive.miek.nl.', 'go.dns.miek.nl.', 'CNAME RRSIG NSEC', 'akVweDhsY3A0ZG81ZldYZw=='), ...nsec('miek.nl.', 'a.miek.nl.', 'NS SOA MX AAAA RRSIG NSEC DNSKEY', 'bUZmYzNyLzlQU0MxSDZvU3BkQw==', 2)],
    },
    { do: true, qname: 'b.a.miek.nl.', qtype: 'A', rcode: 'NXDOMAIN', ns: [...SIGNED_SOA, ...nsec('a.miek.nl.', 'archive.miek.nl.', 'A AAAA RRSIG NSEC', 'R3FuRjZjdXRpcG1TSEVhbw==')] },
    // The empty non-terminal dns.miek.nl: NOERROR, the NSEC before it and no wildcard proof.
    { do: true, qname: 'dns.miek.nl.', qtype: 'A', answer: [], ns: [...SIGNED_SOA, ...nsec('archive.miek.nl.', 'go.dns.miek.nl.', 'CNAME RRSIG NSEC', 'akVweDhsY3A0ZG81ZldYZw==')] },
    { qname: 'www.miek.nl.', qtype: 'A', answer: ['www.miek.nl. 1800 IN CNAME a.miek.nl.', 'a.miek.nl. 1800 IN A 139.162.196.78'], ns: SIGNED_AUTH.slice(0, 2) },
    { qname: 'b.miek.nl.', qtype: 'A', rcode: 'NXDOMAIN', ns: SIGNED_SOA.slice(0, 1) },
  ]);
});

test('wildcards (RFC 4592): synthesis, closer empty non-terminals, wildcard CNAMEs and NODATA', async () => {
  await check(fileHandler({ 'example.org.': EXAMPLE_ORG }), 'example.org.', [
    { qname: 'wild.w.example.org.', qtype: 'TXT', answer: ['wild.w.example.org. 3600 IN TXT "Wildcard"'], ns: EXAMPLE_AUTH },
    { qname: 'wild.c.example.org.', qtype: 'TXT', answer: ['wild.c.example.org. 3600 IN TXT "c Wildcard"'], ns: EXAMPLE_AUTH },
    { qname: 'wild.d.example.org.', qtype: 'TXT', answer: ['wild.d.example.org. 3600 IN CNAME alias.example.org.', 'alias.example.org. 3600 IN TXT "Wildcard CNAME expansion"'], ns: EXAMPLE_AUTH },
    { qname: 'a.b.c.w.example.org.', qtype: 'TXT', answer: ['a.b.c.w.example.org. 3600 IN TXT "Not a wildcard"'], ns: EXAMPLE_AUTH },
    { qname: 'b.c.w.example.org.', qtype: 'TXT', answer: [], ns: [EXAMPLE_SOA] },
    { qname: 'x.b.c.w.example.org.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [EXAMPLE_SOA] },
    { qname: 'wild.w.example.org.', qtype: 'MX', answer: [], ns: [EXAMPLE_SOA] },
    { qname: 'something.e.example.org.', qtype: 'A', answer: [], ns: [EXAMPLE_SOA] },
    { qname: 'something.somewhere.e.example.org.', qtype: 'A', answer: [], ns: [EXAMPLE_SOA] },
    { qname: 'f.*.e.example.org.', qtype: 'A', answer: ['f.*.e.example.org. 3600 IN A 192.0.2.1'], ns: EXAMPLE_AUTH },
    { qname: 'missing.*.e.example.org.', qtype: 'A', rcode: 'NXDOMAIN', ns: [EXAMPLE_SOA] },
    { qname: 'missing.deep.e.example.org.', qtype: 'A', rcode: 'NXDOMAIN', ns: [EXAMPLE_SOA] },
    { qname: 'foo.mx.example.org.', qtype: 'MX', answer: ['foo.mx.example.org. 3600 IN MX 10 mail.example.org.'], ns: EXAMPLE_AUTH, extra: ['mail.example.org. 3600 IN A 192.0.2.10', 'mail.example.org. 3600 IN AAAA 2001:db8::10'] },
  ]);
});

test('CNAME and DNAME into a delegation keep AA and carry the referral; loops stop; targets in another zone are followed', async () => {
  const child = { ns: ['child.example.org. 300 IN NS ns.child.example.org.'], extra: ['ns.child.example.org. 300 IN A 192.0.2.2', 'ns.child.example.org. 300 IN AAAA 2001:db8::2'] };
  const host = { ns: ['host.example.org. 300 IN NS ns.host.example.org.'], extra: ['ns.host.example.org. 300 IN A 192.0.2.3', 'ns.host.example.org. 300 IN AAAA 2001:db8::3'] };
  const handler = fileHandler({ 'example.org.': ALIAS_DELEGATION, 'example.net.': EXAMPLE_NET });
  await check(handler, 'example.org.', [
    { qname: 'alias.example.org.', qtype: 'A', authoritative: true, answer: ['alias.example.org. 300 IN CNAME host.child.example.org.'], ...child },
    { qname: 'chain.example.org.', qtype: 'A', authoritative: true, answer: ['chain.example.org. 300 IN CNAME alias.example.org.', 'alias.example.org. 300 IN CNAME host.child.example.org.'], ...child },
    { qname: 'name.wild.example.org.', qtype: 'A', authoritative: true, answer: ['name.wild.example.org. 300 IN CNAME host.child.example.org.'], ...child },
    { qname: 'host.mapped.example.org.', qtype: 'A', authoritative: true, answer: ['mapped.example.org. 300 IN DNAME example.org.', 'host.mapped.example.org. 300 IN CNAME host.example.org.'], ...host },
    { qname: 'host.mapped.example.org.', qtype: 'NS', authoritative: true, answer: ['mapped.example.org. 300 IN DNAME example.org.', 'host.mapped.example.org. 300 IN CNAME host.example.org.'], ...host },
    { qname: 'host.child.example.org.', qtype: 'A', authoritative: false, answer: [], ...child },
    { qname: 'srv.example.org.', qtype: 'SRV', answer: ['srv.example.org. 300 IN SRV 10 50 8080 ns.example.org.', 'srv.example.org. 300 IN SRV 20 50 8080 ns.example.org.'], extra: ['ns.example.org. 300 IN A 192.0.2.1'] },
    { qname: 'svc.example.org.', qtype: 'HTTPS', extra: ['ns.example.org. 300 IN A 192.0.2.1'] },
    { qname: 'caa.example.org.', qtype: 'CAA', answer: ['caa.example.org. 300 IN CAA 0 issuewild ";"'] },
    { qname: 'other.example.org.', qtype: 'A', answer: ['other.example.org. 300 IN CNAME www.example.net.', 'www.example.net. 300 IN A 192.0.2.80'], ns: ['example.org. 300 IN NS ns.example.org.'] },
  ]);
  const { recorder } = await serveWith(handler, makeRequest('loop1.example.org', 'A'));
  const p = recorder.packet();
  assert.equal(p.answers?.length, 10, 'the chain stops after eight more links, as CoreDNS');
  assert.ok(p.answers?.every((a) => a.type === 'CNAME'));
});

test('CNAME targets outside the zones are looked up through the server, with the query that asked', async () => {
  const asked: { qname: string; qtype: number; via: string }[] = [];
  const answers: Record<string, (req: Request) => Buffer> = {
    'example.com.': (req) => reply(req, { answers: [A('example.com. 300 IN A 192.0.2.99')] }),
  };
  const handler = fileHandler(
    { 'miek.nl.': MIEK_NL },
    {
      resolve: (qname, qtype, via) => {
        asked.push({ qname, qtype, via: via.qname });
        const q = parseRequest(buildQuery(qname, qtype), 'tcp', via.remote) as Request;
        const answer = answers[qname];
        return Promise.resolve(answer ? answer(q) : reply(q, { rcode: Rcode.NXDOMAIN }));
      },
    },
  );
  await check(handler, 'miek.nl.', [{ qname: 'ext-cname.miek.nl.', qtype: 'A', answer: ['ext-cname.miek.nl. 1800 IN CNAME example.com.', 'example.com. 300 IN A 192.0.2.99'], ns: MIEK_AUTH }]);
  assert.deepEqual(asked, [{ qname: 'example.com.', qtype: QType.A, via: 'ext-cname.miek.nl.' }]);
  delete answers['example.com.'];
  await check(handler, 'miek.nl.', [{ qname: 'ext-cname.miek.nl.', qtype: 'A', rcode: 'NXDOMAIN', answer: ['ext-cname.miek.nl. 1800 IN CNAME example.com.'], ns: SOA_ONLY }]);
});

test('fallthrough: NXDOMAIN and empty non-terminals pass to the next plugin in the fallthrough zones, NODATA does not', async () => {
  const cases: { fall: string[]; qname: string; passes: boolean; rcode?: number }[] = [
    { fall: ['.'], qname: 'doesnotexist.miek.nl', passes: true },
    { fall: ['.'], qname: 'x.miek.nl', passes: true },
    { fall: ['.'], qname: 'a.miek.nl', passes: false, rcode: Rcode.NOERROR },
    { fall: ['a.miek.nl.'], qname: 'a.miek.nl', passes: false, rcode: Rcode.NOERROR },
    { fall: ['a.miek.nl.'], qname: 'doesnotexist.miek.nl', passes: false, rcode: Rcode.NXDOMAIN },
    { fall: ['a.miek.nl.'], qname: 'passthrough.a.miek.nl', passes: true },
    { fall: ['x.miek.nl.'], qname: 'x.miek.nl', passes: true },
    { fall: ['x.miek.nl.'], qname: 'wildcard.x.miek.nl', passes: false, rcode: Rcode.NOERROR },
  ];
  for (const c of cases) {
    const handler = fileHandler({ 'miek.nl.': MIEK_NL }, { fallthrough: c.fall });
    // Twice: the second time from the reply kept on the node.
    for (let i = 0; i < 2; i++) {
      const { rcode, recorder } = await serveWith(handler, makeRequest(c.qname, 'A'));
      if (c.passes) assert.deepEqual({ rcode, writes: recorder.writes }, { rcode: Rcode.SERVFAIL, writes: 0 }, `${c.qname} with fallthrough ${c.fall}`);
      else assert.equal(recorder.rcode, c.rcode, `${c.qname} with fallthrough ${c.fall}`);
    }
  }
  const nodata = await serveWith(fileHandler({ 'miek.nl.': MIEK_NL }, { fallthrough: ['.'] }), makeRequest('a.miek.nl', 'MX'));
  assert.equal(nodata.recorder.writes, 1, 'NODATA is answered, not passed on');
});

test('what the plugin does not hold passes on: other classes, names outside its zones; REFUSED when nothing follows; transfers refused', async () => {
  const handler = fileHandler({ 'miek.nl.': MIEK_NL });
  const chaos = buildQuery('a.miek.nl', QType.A);
  chaos.writeUInt16BE(3, chaos.length - 2);
  const req = parseRequest(chaos, 'udp', { address: '127.0.0.1', port: 1, family: 4 }) as Request;
  assert.equal(req.qclass, 3);
  assert.equal((await serveWith(handler, req, () => 42)).rcode, 42, 'a CH question goes to the next plugin');
  assert.equal((await serveWith(handler, makeRequest('example.com', 'A'), () => 42)).rcode, 42);
  assert.equal((await serveWith(fileHandler({ 'miek.nl.': MIEK_NL }, { last: true }), makeRequest('example.com', 'A'))).rcode, Rcode.REFUSED);
  for (const type of ['AXFR', 'IXFR'] as const) {
    const { rcode, recorder } = await serveWith(handler, makeRequest('miek.nl', type));
    assert.deepEqual({ rcode, writes: recorder.writes }, { rcode: Rcode.REFUSED, writes: 0 });
  }
});

test("a NOTIFY for a file zone is dropped without a reply, as CoreDNS's file (it has no primary); one outside its zones passes on", async () => {
  const handler = fileHandler({ 'miek.nl.': MIEK_NL });
  const notify = (name: string): Request => {
    const msg = buildQuery(name, QType.SOA);
    msg[2] = (Opcode.NOTIFY << 3) | 0x04;
    return parseRequest(msg, 'udp', { address: '127.0.0.1', port: 1, family: 4 }) as Request;
  };
  const { rcode, recorder } = await serveWith(handler, notify('miek.nl'));
  assert.deepEqual({ rcode, writes: recorder.writes }, { rcode: NO_REPLY, writes: 0 });
  assert.equal((await serveWith(handler, notify('example.com'), () => 42)).rcode, 42);
});

test('negative answers without DO carry the SOA encoded once, its names pointing at the apex in each question', async () => {
  const handler = fileHandler({ 'example.org.': `$ORIGIN example.org.\n@ 300 IN SOA ns1 HostMaster.Example.ORG. 9 7200 3600 1209600 60\n  300 IN NS ns1\nns1 300 IN A 192.0.2.53\nwww 300 IN A 192.0.2.1\n*.wild 300 IN TXT "w"\n` });
  const soa = 'example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 9 7200 3600 1209600 60';
  for (const [qname, type, rcode] of [
    ['nope.example.org', 'A', 'NXDOMAIN'],
    ['A.Much.Longer.Name.That.Is.Not.There.EXAMPLE.org', 'AAAA', 'NXDOMAIN'],
    ['x.wild.example.org', 'MX', 'NOERROR'],
  ] as const) {
    for (const edns of [undefined, { udpSize: 1232 }]) {
      const { recorder } = await serveWith(handler, makeRequest(qname, type, { id: 7, ...(edns ? { edns } : {}) }));
      assertCase(recorder.packet(), { qname, qtype: type, rcode, authoritative: true, answer: [], ns: [soa], extra: [] });
      const msg = recorder.msg!;
      assert.equal(msg.readUInt16BE(0), 7);
      // The SOA's owner is a pointer into the question, and so is the end of each name in its data.
      const apexAt = 12 + (msg.indexOf(0, 12) - 12) - 'example.org'.length - 1;
      const soaAt = (recorder.packet().questions![0]!.name.length + 2) + 12 + 4;
      assert.deepEqual([msg[soaAt], msg[soaAt + 1]], [0xc0, apexAt], qname);
      assert.equal(recorder.packet().authorities![0]!.name, qname.slice(qname.length - 'example.org'.length), 'the apex keeps the letters of the question');
      assert.equal(msg.length, soaAt + 2 + 10 + 6 + 13 + 20 + (edns ? 11 : 0), 'ns1 and hostmaster end in pointers');
    }
  }
});

test('a reply kept on its node fits every later query: its ID, the letters of its name, its OPT and DO', async () => {
  const handler = fileHandler({ 'miek.nl.': SIGNED_MIEK_NL });
  const first = await serveWith(handler, makeRequest('www.miek.nl', 'A', { id: 1 }));
  const again = await serveWith(handler, makeRequest('WwW.MiEk.Nl', 'A', { id: 2 }));
  assert.equal(again.recorder.msg!.readUInt16BE(0), 2);
  assert.equal(again.recorder.packet().questions![0]!.name, 'WwW.MiEk.Nl');
  assert.deepEqual(again.recorder.msg!.subarray(2), Buffer.concat([first.recorder.msg!.subarray(2, 12), Buffer.from(again.recorder.msg!.subarray(12, 29)), first.recorder.msg!.subarray(29)]));
  const withDo = await serveWith(handler, makeRequest('www.miek.nl', 'A', { edns: { udpSize: 1232, do: true } }));
  const p = withDo.recorder.packet();
  assert.ok(p.answers!.some((a) => a.type === 'RRSIG'));
  const opt = p.additionals!.find((a) => a.type === 'OPT') as { udpPayloadSize: number; flags: number } | undefined;
  assert.deepEqual({ size: opt?.udpPayloadSize, do: (opt?.flags ?? 0) & 0x8000 }, { size: 1232, do: 0x8000 });
  const plainAgain = await serveWith(handler, makeRequest('www.miek.nl', 'A', { edns: { udpSize: 1232 } }));
  assert.ok(!plainAgain.recorder.packet().answers!.some((a) => a.type === 'RRSIG'), 'DO and no DO are kept apart');
});
