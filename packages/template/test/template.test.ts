import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Next, parseCorefile, PluginError, QClass, QType, Rcode, Registry, reply, type Request } from '@chaindns/core';
import { assertCase, makeRequest, Recorder } from '@chaindns/core/testing';
import * as dnsPacket from 'dns-packet';
import { createTemplate, template, templateMetrics } from '../src/index.js';

/** CoreDNS's rcodeFallthrough: what the next handler returns, so a test sees a fall through. */
const FALLTHROUGH = 3841;
const next: Next = () => FALLTHROUGH;

interface Built {
  readonly handler: ReturnType<typeof createTemplate>;
  readonly registry: Registry;
}

/** The handler for `snippet` (template directives of a block with the zones `keys`), as setup builds it. */
function build(snippet: string, options: { keys?: string; resolve?: (qname: string, qtype: number, from: Request) => Promise<Buffer> } = {}): Built {
  const block = parseCorefile(`${options.keys ?? '.'} {\n${snippet}\n}`).blocks[0]!;
  const zones = [...new Set(block.keys.map((k) => k.zone))];
  const config = template.combine!(block.directives.map((d) => template.parse(d, { zones, port: 53, warn: () => {} })));
  const registry = new Registry();
  return { registry, handler: createTemplate({ templates: config.templates, metrics: templateMetrics(registry), ...(options.resolve ? { resolve: options.resolve } : {}) }) };
}

async function serve(b: Built, req: Request): Promise<{ rcode: number; w: Recorder }> {
  const w = new Recorder();
  const rcode = await b.handler.serveDNS(req, w, next);
  return { rcode, w };
}

const IP_A = 'match "(^|[.])ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$"';

// CoreDNS's TestHandler, one row per template, each alone in its handler (zones ".", fallthrough).
const handlerCases: { name: string; snippet: string; qname: string; qtype: keyof typeof QType; rcode?: number; error?: string; check?: (p: dnsPacket.Packet) => void; remote?: string }[] = [
  { name: 'RcodeServFail', snippet: 'match .*\n rcode SERVFAIL', qname: 'test.invalid.', qtype: 'A', rcode: Rcode.SERVFAIL },
  { name: 'ExampleDomainNameMismatch', snippet: `${IP_A}\n answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"`, qname: 'test.invalid.', qtype: 'A', rcode: FALLTHROUGH },
  {
    name: 'BrokenTemplate',
    snippet: 'match "[.]example[.]$"\n answer "{{ .Name }} 60 IN TXT \\"{{ index .Match 2 }}\\""',
    qname: 'test.example.',
    qtype: 'ANY',
    error: 'template: answer:1:26: executing "answer" at <index .Match 2>: error calling index: index out of range: 2',
  },
  { name: 'NonRRTemplate', snippet: 'match "[.]example[.]$"\n answer "{{ .Name }}"', qname: 'test.example.', qtype: 'ANY', error: 'missing the record type in "test.example."' },
  { name: 'NonRRAdditionalTemplate', snippet: 'match "[.]example[.]$"\n additional "{{ .Name }}"', qname: 'test.example.', qtype: 'ANY', error: 'missing the record type in "test.example."' },
  { name: 'NonRRAuthorityTemplate', snippet: 'match "[.]example[.]$"\n authority "{{ .Name }}"', qname: 'test.example.', qtype: 'ANY', error: 'missing the record type in "test.example."' },
  { name: 'ExampleIPMatch', snippet: 'answer "{{ .Name }} 60 IN A {{ .Remote }}"', qname: 'test.example.', qtype: 'A', remote: '10.240.0.1', check: (p) => assertCase(p, { qname: 'test.example.', qtype: 'A', answer: ['test.example. 60 IN A 10.240.0.1'], authoritative: true }) },
  { name: 'ExampleDomainMatch', snippet: `${IP_A}\n answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"`, qname: 'ip-10-95-12-8.example.', qtype: 'A', check: (p) => assertCase(p, { qname: '', qtype: 'A', answer: ['ip-10-95-12-8.example. 60 IN A 10.95.12.8'] }) },
  {
    name: 'ExampleDomainMatchHexIp',
    snippet: 'match "^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"\n answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"',
    qname: 'ip0a5f0c09.example.',
    qtype: 'A',
    check: (p) => assertCase(p, { qname: '', qtype: 'A', answer: ['ip0a5f0c09.example. 60 IN A 10.95.12.9'] }),
  },
  {
    name: 'BrokenParseIntTemplate',
    snippet: 'match "[.]example[.]$"\n answer "{{ .Name }} 60 IN TXT \\"{{ parseInt \\"gg\\" 16 8 }}\\""',
    qname: 'test.example.',
    qtype: 'ANY',
    error: 'template: answer:1:26: executing "answer" at <parseInt "gg" 16 8>: error calling parseInt: strconv.ParseUint: parsing "gg": invalid syntax',
  },
  {
    name: 'ExampleDomainMXMatch',
    snippet: `${IP_A}\n answer "{{ .Name }} 60 MX 10 {{ .Name }}"\n additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"`,
    qname: 'ip-10-95-12-8.example.',
    qtype: 'MX',
    check: (p) => assertCase(p, { qname: '', qtype: 'MX', answer: ['ip-10-95-12-8.example. 60 IN MX 10 ip-10-95-12-8.example.'], extra: ['ip-10-95-12-8.example. 60 IN A 10.95.12.8'] }),
  },
  {
    name: 'ExampleDomainANSMatch',
    snippet: `${IP_A}\n answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"\n additional "ns0.example. IN A 203.0.113.8"\n authority "example. IN NS ns0.example.com."`,
    qname: 'ip-10-95-12-8.example.',
    qtype: 'A',
    check: (p) => assertCase(p, { qname: '', qtype: 'A', answer: ['ip-10-95-12-8.example. 60 IN A 10.95.12.8'], ns: ['example. 3600 IN NS ns0.example.com.'], extra: ['ns0.example. 3600 IN A 203.0.113.8'] }),
  },
  {
    name: 'ExampleInvalidNXDOMAIN',
    snippet: 'match "[.]invalid[.]$"\n rcode NXDOMAIN\n answer "invalid. 60 {{ .Class }} SOA a.invalid. b.invalid. (1 60 60 60 60)"',
    qname: 'test.invalid.',
    qtype: 'MX',
    rcode: Rcode.NXDOMAIN,
    check: (p) => assertCase(p, { qname: '', qtype: 'MX', rcode: 'NXDOMAIN', answer: ['invalid. 60 IN SOA a.invalid. b.invalid. 1 60 60 60 60'] }),
  },
  { name: 'CNAMEWithoutUpstream', snippet: 'match "example[.]net[.]"\n answer "example.net 60 IN CNAME target.example.com"', qname: 'example.net.', qtype: 'A', check: (p) => assertCase(p, { qname: '', qtype: 'A', answer: ['example.net. 60 IN CNAME target.example.com.'] }) },
  // CoreDNS's mdMatch/mdMissing with no metadata plugin: every .Meta is "".
  {
    name: 'mdMissing',
    snippet: `${IP_A}\n answer "{{ .Meta \\"foofoo\\" }}{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"`,
    qname: 'ip-10-95-12-8.example.',
    qtype: 'A',
    check: (p) => assertCase(p, { qname: '', qtype: 'A', answer: ['ip-10-95-12-8.example. 60 IN A 10.95.12.8'] }),
  },
];

test('template handler (CoreDNS TestHandler)', async (t) => {
  for (const c of handlerCases) {
    await t.test(c.name, async () => {
      const b = build(`template ANY ANY {\n ${c.snippet}\n fallthrough\n }`);
      const req = makeRequest(c.qname, c.qtype, c.remote ? { remote: { address: c.remote, port: 40000, family: 4 } } : {});
      if (c.error) {
        await assert.rejects(async () => serve(b, req), (err: unknown) => err instanceof PluginError && err.rcode === Rcode.SERVFAIL && err.message === c.error);
        return;
      }
      const { rcode, w } = await serve(b, req);
      assert.equal(rcode, c.rcode ?? Rcode.NOERROR);
      if (rcode === FALLTHROUGH || rcode === Rcode.SERVFAIL) assert.equal(w.writes, 0);
      else c.check?.(w.packet());
    });
  }
});

test('template: EDNS extended error (CoreDNS "EDNS error")', async () => {
  const b = build('template ANY ANY {\n rcode NXDOMAIN\n authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"\n ederror 21 "Blocked due to RFC2606"\n }');
  const { rcode, w } = await serve(b, makeRequest('test.invalid.', 'A', { edns: { udpSize: 1232, do: true } }));
  assert.equal(rcode, Rcode.NXDOMAIN);
  const p = w.packet();
  const opt = p.additionals?.find((a) => a.type === 'OPT') as unknown as { udpPayloadSize: number; flags: number; options: { code: number; data: Buffer }[] };
  assert.equal(opt.udpPayloadSize, 1232);
  assert.equal(opt.flags & 0x8000, 0x8000, 'DO mirrored');
  assert.deepEqual(
    opt.options.map((o) => [o.code, o.data.readUInt16BE(0), o.data.subarray(2).toString()]),
    [[15, 21, 'Blocked due to RFC2606']],
  );
  // Without EDNS in the query, no OPT in the reply (RFC 6891).
  const plain = await serve(b, makeRequest('test.invalid.', 'A'));
  assert.equal(plain.w.packet().additionals?.length, 0);
});

test('template: several templates of a block (CoreDNS TestMultiSection)', async () => {
  const b = build(
    `template IN A {
      rcode REFUSED
    }
    template IN TXT {
      match "$^"
      rcode SERVFAIL
      fallthrough
    }
    template CH TXT coredns.invalid {
      answer "{{ .Name }} 60 CH TXT \\"test\\""
    }
    template IN A example {
      match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
      answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
      fallthrough
    }
    template IN MX example {
      match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
      answer "{{ .Name }} 60 IN MX 10 {{ .Name }}"
      additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
    }`,
    { keys: 'test.:8053' },
  );
  const ask = (qname: string, qtype: keyof typeof QType, qclass: number = QClass.IN): Promise<{ rcode: number; w: Recorder }> => serve(b, makeRequest(qname, qtype, { qclass }));

  let r = await ask('some.test.', 'A');
  assert.equal(r.rcode, Rcode.REFUSED);
  assertCase(r.w.packet(), { qname: '', qtype: 'A', rcode: 'REFUSED', answer: [], authoritative: true });
  assert.equal((await ask('some.test.', 'TXT')).rcode, FALLTHROUGH);
  r = await ask('coredns.invalid.', 'TXT', QClass.CH);
  assert.equal(r.rcode, Rcode.NOERROR);
  const txt = r.w.packet().answers![0]! as dnsPacket.TxtAnswer;
  assert.deepEqual([txt.class, txt.type, (txt.data as Buffer[]).map(String)], ['CH', 'TXT', ['test']]);
  // Outside every template's zones: the next plugin.
  r = await ask('ip-10-11-12-13.example.', 'A');
  assert.equal(r.rcode, Rcode.NOERROR);
  assertCase(r.w.packet(), { qname: '', qtype: 'A', answer: ['ip-10-11-12-13.example. 60 IN A 10.11.12.13'] });
  r = await ask('ip-10-11-12-13.example.', 'MX');
  assertCase(r.w.packet(), { qname: '', qtype: 'MX', answer: ['ip-10-11-12-13.example. 60 IN MX 10 ip-10-11-12-13.example.'], extra: ['ip-10-11-12-13.example. 60 IN A 10.11.12.13'] });
  assert.equal((await ask('something.example.', 'A')).rcode, FALLTHROUGH);
  r = await ask('something.example.', 'MX');
  assert.equal(r.rcode, Rcode.SERVFAIL);
  assert.equal(r.w.writes, 0);
  assert.equal((await ask('other.zone.', 'A')).rcode, FALLTHROUGH);
});

test('template: class and type ANY, and .Class/.Type from the template for ANY questions', async () => {
  const b = build('template CH ANY {\n answer "{{ .Name }} 60 CH TXT \\"{{ .Class }} {{ .Type }} {{ .Question }}\\""\n }');
  // A question of class ANY matches a CH template; .Class is then the template's.
  const r = await serve(b, makeRequest('Who.Example.', 'TXT', { qclass: QClass.ANY }));
  const txt = r.w.packet().answers![0]! as dnsPacket.TxtAnswer;
  assert.deepEqual((txt.data as Buffer[]).map(String), ['CH TXT ;Who.Example.\tANY\t TXT']);
  // An IN question does not fit a CH template: the next plugin, whatever the regex.
  assert.equal((await serve(b, makeRequest('who.example.', 'TXT'))).rcode, FALLTHROUGH);
});

test('template: metrics count matches and failures with CoreDNS labels', async () => {
  const b = build('template IN A {\n match "^ok[.]"\n answer "{{ .Name }} 60 IN A 192.0.2.1"\n fallthrough\n }\n template IN A {\n match "^bad[.]"\n answer "{{ index .Match 1 }} 60 IN A 192.0.2.1"\n fallthrough\n }\n template IN A {\n answer "{{ .Name }} 60 IN A 300.0.0.1"\n }', { keys: 'example.' });
  const req = (name: string): Request => makeRequest(name, 'A', { zone: 'example.' });
  await serve(b, req('ok.example.'));
  await assert.rejects(async () => serve(b, req('bad.example.')), /index out of range: 1/);
  await assert.rejects(async () => serve(b, req('other.example.')), /"300.0.0.1" is not an IPv4 address/);
  const text = await b.registry.metrics();
  assert.match(text, /coredns_template_matches_total\{server="dns:\/\/:53",zone="example.",view="",class="IN",type="A"\} 3/);
  assert.match(text, /coredns_template_template_failures_total\{server="dns:\/\/:53",zone="example.",view="",class="IN",type="A",section="answer",template="\{\{index .Match 1\}\} 60 IN A 192.0.2.1"\} 1/);
  assert.match(text, /coredns_template_rr_failures_total\{server="dns:\/\/:53",zone="example.",view="",class="IN",type="A",section="answer",template="\{\{.Name\}\} 60 IN A 300.0.0.1"\} 1/);  // A query served by a block with a view carries its name.
  const viewed = req('ok.example.');
  viewed.view = 'inside';
  await serve(b, viewed);
  assert.match(await b.registry.metrics(), /coredns_template_matches_total\{server="dns:\/\/:53",zone="example.",view="inside",class="IN",type="A"\} 1/);
});

/** A stand-in for the server's resolve: answers `target` with its own records and the TC bit, and records what was asked. */
function upstub(records: string[], truncated: boolean, asked: string[]): (qname: string, qtype: number) => Promise<Buffer> {
  return async (qname, qtype) => {
    asked.push(`${qname} ${qtype}`);
    const req = makeRequest(qname, qtype);
    const msg = reply(req, { answers: records.map((r) => { const [name, ttl, , type, data] = r.split(' '); return { name: name!, ttl: Number(ttl), type: type as 'A', data: data! }; }) });
    if (truncated) msg[2]! |= 0x02;
    return msg;
  };
}

test('template: a CNAME answer to A/AAAA is followed through the server, TC carried over (CoreDNS TestTruncatedCNAME)', async () => {
  const asked: string[] = [];
  const b = build('template IN A test {\n match "^cname\\.test\\.$"\n answer "cname.test. 600 IN CNAME test.up"\n }', { resolve: upstub(['test.up. 600 IN A 1.2.3.4'], true, asked) });
  const r = await serve(b, makeRequest('cname.test.', 'A'));
  assert.equal(r.rcode, Rcode.NOERROR);
  assertCase(r.w.packet(), { qname: '', qtype: 'A', answer: ['cname.test. 600 IN CNAME test.up.', 'test.up. 600 IN A 1.2.3.4'], truncated: true, ordered: true });
  assert.deepEqual(asked, ['test.up 1']);
  // Other question types answer the CNAME alone.
  const mx = build('template IN ANY test {\n answer "cname.test. 600 IN CNAME test.up"\n }', { resolve: upstub([], false, asked) });
  assertCase((await serve(mx, makeRequest('cname.test.', 'MX'))).w.packet(), { qname: '', qtype: 'MX', answer: ['cname.test. 600 IN CNAME test.up.'] });
  assert.equal(asked.length, 1);
});

test('template: a failed CNAME lookup adds nothing', async () => {
  const b = build('template IN A {\n answer "{{ .Name }} 60 IN CNAME target.example."\n }', { resolve: () => Promise.reject(new Error('no server')) });
  assertCase((await serve(b, makeRequest('a.example.', 'A'))).w.packet(), { qname: '', qtype: 'A', answer: ['a.example. 60 IN CNAME target.example.'] });
});

test('template: the reply echoes the question and header as CoreDNS SetReply', async () => {
  const b = build('template IN A {\n answer "{{ .Name }} 60 IN A 192.0.2.7"\n }');
  const req = makeRequest('MiXed.Example.', 'A', { id: 4242 });
  const { w } = await serve(b, req);
  const p = w.packet();
  assert.equal(p.id, 4242);
  assert.equal(p.questions![0]!.name, 'MiXed.Example');
  assert.equal(p.type, 'response');
  assert.equal(((p.flags ?? 0) >> 8) & 0x05, 0x05, 'AA and RD');
  assertCase(p, { qname: '', qtype: 'A', answer: ['mixed.example. 60 IN A 192.0.2.7'] });
});

test('a reply without records is the one reply() encodes, built from the query bytes', async () => {
  for (const rcode of ['NOERROR', 'NXDOMAIN', 'REFUSED'] as const) {
    const b = build(`template ANY ANY {\n rcode ${rcode}\n }`);
    for (const options of [{}, { edns: { udpSize: 1232, do: true } }, { edns: { udpSize: 100 } }]) {
      const req = makeRequest('Some.Example.', 'AAAA', { id: 99, ...options });
      req.msg[3]! |= 0x10; // CD, echoed
      const { rcode: got, w } = await serve(b, req);
      assert.equal(got, Rcode[rcode]);
      assert.deepEqual(w.msg, reply(req, { rcode: Rcode[rcode], authoritative: true }), `${rcode} ${JSON.stringify(options)}`);
    }
  }
});
