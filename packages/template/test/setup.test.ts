import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { template, type TemplateConfig } from '../src/index.js';

interface Want {
  qclass: number;
  qtype: number;
  zones: string[];
  regexes: string[];
  answer: string[];
  additional: string[];
  authority: string[];
  rcode: number;
  ederror: { code: number; reason: string } | null;
  fallthrough: string[] | null;
}

const defaults: Want = { qclass: 255, qtype: 255, zones: ['domain.com.', 'dynamic.domain.com.'], regexes: ['.*'], answer: [], additional: [], authority: [], rcode: 0, ederror: null, fallthrough: null };

/** Parses every `template` of one block (CoreDNS's tests use the keys domain.com. and dynamic.domain.com.), combined as setup gets them. */
function parse(snippet: string, warnings: string[] = []): TemplateConfig {
  const block = parseCorefile(`domain.com.:8053 dynamic.domain.com.:8053 {\n${snippet}\n}`).blocks[0]!;
  const zones = [...new Set(block.keys.map((k) => k.zone))];
  const configs = block.directives.map((d) => template.parse(d, { zones, port: 8053, warn: (_t, m) => warnings.push(m) }));
  return template.combine!(configs);
}

function plain(c: TemplateConfig): Want[] {
  return c.templates.map((t) => ({
    qclass: t.qclass,
    qtype: t.qtype,
    zones: [...t.zones],
    regexes: t.regexes.map((r) => r.source),
    answer: t.answer.map((a) => a.text),
    additional: t.additional.map((a) => a.text),
    authority: t.authority.map((a) => a.text),
    rcode: t.rcode,
    ederror: t.ederror,
    fallthrough: t.fallthrough ? [...t.fallthrough] : null,
  }));
}

test('template setup', async (t) => {
  const cases: SetupCase<Partial<Want>[]>[] = [
    // CoreDNS's TestSetupParse: the parse errors.
    { corefile: 'template', error: /Corefile:2: template: expected CLASS and TYPE, got 0 arguments/ },
    { corefile: 'template X', error: /Corefile:2: template: expected CLASS and TYPE, got 1 argument$/ },
    { corefile: 'template ANY', error: /Corefile:2: template: expected CLASS and TYPE/ },
    { corefile: 'template ANY X', error: /Corefile:2: template: invalid query type X/ },
    { corefile: 'template X ANY', error: /Corefile:2: template: invalid query class X/ },
    { corefile: 'template ANY ANY .* {\n notavailable\n }', error: /Corefile:3: template: unknown property "notavailable", expected one of: match, var, expr, answer/ },
    { corefile: 'template ANY ANY {\n answer\n }', error: /Corefile:3: template: answer: expected at least 1 argument, got 0/ },
    { corefile: 'template ANY ANY {\n additional\n }', error: /Corefile:3: template: additional: expected at least 1 argument, got 0/ },
    { corefile: 'template ANY ANY {\n authority\n }', error: /Corefile:3: template: authority: expected at least 1 argument, got 0/ },
    { corefile: 'template ANY ANY {\n match\n }', error: /Corefile:3: template: match: expected at least 1 argument, got 0/ },
    { corefile: 'template ANY ANY {\n rcode\n }', error: /Corefile:3: template: rcode: expected 1 argument, got 0/ },
    { corefile: 'template ANY ANY {\n rcode UNDEFINED\n }', error: /Corefile:3: template: unknown rcode UNDEFINED/ },
    { corefile: 'template ANY ANY {\n answer "{{"\n }', error: /Corefile:3: template: could not compile template: template: answer:1: unclosed action/ },
    { corefile: 'template ANY ANY {\n additional "{{"\n }', error: /Corefile:3: template: could not compile template: template: additional:1: unclosed action/ },
    { corefile: 'template ANY ANY {\n authority "{{"\n }', error: /Corefile:3: template: could not compile template: template: authority:1: unclosed action/ },
    { corefile: 'template ANY ANY {\n answer "{{ notAFunction }}"\n }', error: /Corefile:3: .*function "notAFunction" not defined/ },
    // CoreDNS loads these and fails every query they match; chaindns refuses them when loading.
    { corefile: 'template ANY ANY {\n answer "{{ parseInt }}"\n }', error: /Corefile:3: .*answer:1:3: wrong number of args for parseInt: want 3 got 0/ },
    { corefile: 'template ANY A example.com {\n answer "{{ .Name }} A {{ .Group.a }}.{{ .Grup.d }}."\n }', error: /Corefile:3: .*can't evaluate field Grup in type \*template.templateData/ },
    // CoreDNS's examples.
    { corefile: 'template ANY ANY {\n\n }', want: [{}] },
    {
      corefile: 'template ANY AAAA example.com {\n match ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]com\n authority "example.com 60 IN SOA ns.example.com hostmaster.example.com (1 60 60 60 60)"\n fallthrough\n }',
      want: [{ qtype: 28, zones: ['example.com.'], regexes: ['ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]com'], authority: ['example.com 60 IN SOA ns.example.com hostmaster.example.com (1 60 60 60 60)'], fallthrough: ['.'] }],
    },
    {
      corefile: 'template IN ANY example.com {\n match "[.](example[.]com[.]dc1[.]example[.]com[.])$"\n rcode NXDOMAIN\n authority "{{ index .Match 1 }} 60 IN SOA ns.{{ index .Match 1 }} hostmaster.example.com (1 60 60 60 60)"\n fallthrough example.com\n }',
      want: [{ qclass: 1, zones: ['example.com.'], regexes: ['[.](example[.]com[.]dc1[.]example[.]com[.])$'], rcode: 3, authority: ['{{index .Match 1}} 60 IN SOA ns.{{index .Match 1}} hostmaster.example.com (1 60 60 60 60)'], fallthrough: ['example.com.'] }],
    },
    {
      corefile:
        'template IN A example {\n match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$\n answer "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"\n }\n template IN MX example. {\n match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$\n answer "{{ .Name }} 60 IN MX 10 {{ .Name }}"\n additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"\n }',
      want: [
        { qclass: 1, qtype: 1, zones: ['example.'], regexes: ['^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$'], answer: ['{{.Name}} 60 IN A 10.{{.Group.b}}.{{.Group.c}}.{{.Group.d}}'] },
        { qclass: 1, qtype: 15, zones: ['example.'], regexes: ['^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$'], answer: ['{{.Name}} 60 IN MX 10 {{.Name}}'], additional: ['{{.Name}} 60 IN A 10.{{.Group.b}}.{{.Group.c}}.{{.Group.d}}'] },
      ],
    },
    {
      corefile: 'template IN A example {\n match ^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$\n answer "{{ .Name }} 3600 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"\n }',
      want: [{ qclass: 1, qtype: 1, zones: ['example.'], regexes: ['^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$'], answer: ['{{.Name}} 3600 IN A 10.{{parseInt .Group.b 16 8}}.{{parseInt .Group.c 16 8}}.{{parseInt .Group.d 16 8}}'] }],
    },
    {
      corefile: 'template ANY ANY invalid {\n rcode NXDOMAIN\n authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"\n ederror 21 "Blocked according to RFC2606"\n }',
      want: [{ zones: ['invalid.'], rcode: 3, authority: ['invalid. 60 {{.Class}} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)'], ederror: { code: 21, reason: 'Blocked according to RFC2606' } }],
    },
    { corefile: 'template ANY ANY invalid {\n ederror invalid "Blocked according to RFC2606"\n }', error: /Corefile:3: template: error parsing extended DNS error code invalid/ },
    { corefile: 'template ANY ANY invalid {\n ederror too many arguments\n }', error: /Corefile:3: template: ederror: expected 1 to 2 arguments, got 3/ },
    { corefile: 'template ANY ANY {\n ederror 65536\n }', error: /Corefile:3: template: error parsing extended DNS error code 65536/ },
    { corefile: 'template ANY ANY {\n ederror 15\n }', want: [{ ederror: { code: 15, reason: '' } }] },
    // CoreDNS's TestSetupParseLargeRegex.
    { corefile: `template ANY A example.com {\n match ${'a'.repeat(10001)}\n }`, error: /Corefile:3: template: regex pattern too long: 10001 > 10000/ },
    { corefile: 'template ANY ANY {\n match (?P<x>\n }', error: /Corefile:3: template: could not parse regex: \(\?P<x>, error parsing regexp: missing closing \)/ },
    // The real Corefiles: OpenShift's IPv6 filter, AKS's guard.
    { corefile: 'template ANY AAAA {\n rcode NOERROR\n }', want: [{ qtype: 28 }] },
    {
      corefile: 'template ANY ANY internal.cloudapp.net {\n match "^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$"\n rcode NXDOMAIN\n fallthrough\n }\n template ANY ANY reddog.microsoft.com {\n rcode NXDOMAIN\n }',
      want: [
        { zones: ['internal.cloudapp.net.'], regexes: ['^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$'], rcode: 3, fallthrough: ['.'] },
        { zones: ['reddog.microsoft.com.'], rcode: 3 },
      ],
    },
    // Classes, types and rcodes as miekg/dns spells them.
    { corefile: 'template CH TXT version.bind', want: [{ qclass: 3, qtype: 16, zones: ['version.bind.'] }] },
    { corefile: 'template IN TYPE65280', want: [{ qclass: 1, qtype: 65280 }] },
    { corefile: 'template in a', error: /Corefile:2: template: invalid query class in/ },
    { corefile: 'template ANY ANY {\n rcode REFUSED\n }', want: [{ rcode: 5 }] },
    { corefile: 'template ANY ANY {\n rcode BADCOOKIE\n }', error: /Corefile:3: template: rcode BADCOOKIE is an extended rcode/ },
    { corefile: 'template ANY ANY {\n rcode NXDOMAIN SERVFAIL\n }', error: /Corefile:3: template: rcode: expected 1 argument, got 2/ },
    // Several regexes and records on one line, in order.
    { corefile: 'template IN A {\n match a b\n match c\n answer "x. A 1.2.3.4" "y. A 1.2.3.5"\n }', want: [{ qclass: 1, qtype: 1, regexes: ['a', 'b', 'c'], answer: ['x. A 1.2.3.4', 'y. A 1.2.3.5'] }] },
    // A record without actions is read when the Corefile loads.
    { corefile: 'template ANY ANY {\n authority "example. 60 IN NS"\n }', error: /Corefile:3: template: authority is no valid record: missing name in "example. 60 IN NS"/ },
    { corefile: 'template ANY ANY {\n answer {\n }\n }', error: /Corefile:3: template: answer takes no block/ },
    // What Go's template language has and chaindns does not run.
    { corefile: 'template ANY ANY {\n answer "{{ if .Name }}x{{ end }}"\n }', error: /Corefile:3: .*\{\{ if \}\} is not supported in chaindns templates/ },
    { corefile: 'template ANY ANY {\n answer "{{ .Name | printf \\"%s\\" }}"\n }', error: /Corefile:3: .*pipelines \(\|\) are not supported/ },
    { corefile: 'template ANY ANY {\n answer "{{ printf \\"%s\\" .Name }}"\n }', error: /Corefile:3: .*function "printf" is not supported in chaindns templates \(only index and parseInt\)/ },
    { corefile: 'template ANY ANY {\n answer "{{ $x := .Name }}"\n }', error: /Corefile:3: .*variables are not supported/ },
    { corefile: 'template ANY ANY {\n answer "{{ .Message }}"\n }', error: /Corefile:3: .*printing \.Message \(\*dns\.Msg\) is not supported/ },
    { corefile: 'template ANY ANY {\n answer "{{ .Meta }}"\n }', error: /Corefile:3: .*wrong number of args for Meta: want 1 got 0/ },
    { corefile: 'template ANY ANY {\n answer "{{ .Name \\"x\\" }}"\n }', error: /Corefile:3: .*can't give argument to non-function \.Name/ },
    { corefile: 'template ANY ANY {\n answer "{{ index .Match \\"a\\" }}"\n }', error: /Corefile:3: .*wrong type for value of index; expected int; got string/ },
    { corefile: 'template ANY ANY {\n answer "{{ parseInt 12 16 8 }}"\n }', error: /Corefile:3: .*wrong type for value of parseInt; expected string; got int/ },
    { corefile: 'template ANY ANY {\n answer "{{ .Question.Qtype.X }}"\n }', error: /Corefile:3: .*can't evaluate field X in type uint16/ },
    {
      corefile: 'template ANY ANY {\n answer "{{- /* a comment */ -}} {{ .Name }} 60 IN TXT \\"{{ .Message.Id }} {{ .Question.Name }} {{ index .Group \\"x\\" }} {{ .Meta \\"k\\" }} {{ (index .Match 0) }}\\""\n }',
      want: [{ answer: ['{{.Name}} 60 IN TXT "{{.Message.Id}} {{.Question.Name}} {{index .Group "x"}} {{.Meta "k"}} {{(index .Match 0)}}"'] }],
    },
  ];
  const rows = cases.map((c) => (c.want ? { ...c, want: c.want.map((w) => ({ ...defaults, ...w })) } : c));
  await assertSetupCases(t, template, rows, { keys: 'domain.com.:8053 dynamic.domain.com.:8053', view: plain });
});

test('template: upstream is accepted with a warning, as CoreDNS ignores it', () => {
  const warnings: string[] = [];
  assert.deepEqual(plain(parse('template IN ANY foogle.com {\n answer "foogle.com 60 IN CNAME google.com"\n upstream 8.8.8.8\n }', warnings)), [
    { ...defaults, qclass: 1, zones: ['foogle.com.'], answer: ['foogle.com 60 IN CNAME google.com'] },
  ]);
  assert.deepEqual(warnings, ['template: upstream is deprecated and has no effect: CNAME targets are always resolved through this server']);
});

test('template: the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 13);
  for (const corefile of examples) checkCorefile(corefile, [template]);
});
