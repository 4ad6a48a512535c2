import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Metadata, type Next, parseCorefile, PluginError, type QType, Rcode, Registry, type Request } from '@chaindns/core';
import { assertCase, makeRequest, Recorder } from '@chaindns/core/testing';
import { createTemplate, template, templateMetrics } from '../src/index.js';

/** CoreDNS's rcodeFallthrough: what the next handler returns, so a test sees a fall through. */
const FALLTHROUGH = 3841;
const next: Next = () => FALLTHROUGH;

function build(snippet: string): ReturnType<typeof createTemplate> {
  const block = parseCorefile(`example. {\n${snippet}\n}`).blocks[0]!;
  const config = template.combine!(block.directives.map((d) => template.parse(d, { zones: ['example.'], port: 53, warn: () => {} })));
  return createTemplate({ templates: config.templates, metrics: templateMetrics(new Registry()) });
}

function parseError(snippet: string): string {
  try {
    build(snippet);
  } catch (err) {
    return (err as Error).message;
  }
  return assert.fail(`${snippet}: parsed`);
}

test('var and expr: what CoreDNS refuses when the Corefile loads (its TestSetupParse rows)', () => {
  const ok = [
    'template ANY ANY example. {\n var a 1\n }',
    "template ANY ANY example. {\n var a 1\n var b a + 1\n var c 'x' + name()\n }",
    'template ANY ANY example. {\n match ^(?P<a>[a-z]+)[.]example[.]$\n var a group("a") + group(1) + group(0)\n }',
    "template ANY ANY example. {\n expr name() == 'a.example.'\n expr incidr(client_ip(), '10.0.0.0/8')\n }",
    'template ANY ANY example. {\n var a 1\n expr a == 1\n }',
    "template ANY ANY example. {\n match ^(?P<a>[a-z]+)[.]example[.]$\n expr group('a') != ''\n }",
    'template ANY ANY example. {\n expr 1\n }',
    // The README's device example: `#` is quoted, or the Corefile reads a comment.
    "template IN A example. {\n var ip replace(group('ip'), '-', '.')\n expr \"any(['10.0.0.0/8', '192.168.0.0/16'], incidr(ip, #))\"\n answer \"{{ .Name }} 60 IN A {{ .Var.ip }}\"\n }",
  ];
  for (const snippet of ok) build(snippet);
  const refused: [string, RegExp][] = [
    ['var', /Corefile:3: template: var: expected at least 2 arguments, got 0/],
    ['var a', /Corefile:3: template: var: expected at least 2 arguments, got 1/],
    ['var 1a 1', /Corefile:3: template: invalid variable name "1a"/],
    ['var a-b 1', /invalid variable name "a-b"/],
    ['var name 1', /variable name "name" is reserved/],
    ['var group 1', /variable name "group" is reserved/],
    ['var len 1', /variable name "len" is reserved/],
    ['var true 1', /variable name "true" is reserved/],
    ['var let 1', /variable name "let" is reserved/],
    ['var a 1 +', /Corefile:3: template: var a: could not compile expression: syntax error/],
    ['var a invalid expression', /could not compile expression/],
    ['var a b + 1\n var b 1', /Corefile:3: template: var a: could not compile expression: unknown name b/],
    ['var a undefined', /unknown name undefined/],
    ['var a 1\n var a 2', /Corefile:4: template: variable name "a" is reserved/],
    ["var a 1\n var b a + 1\n var c 'x' + b", /Corefile:5: .*mismatched types string and number/],
    ['expr', /Corefile:3: template: expr: expected at least 1 argument, got 0/],
    ['expr nosuchfunction()', /Corefile:3: template: expr: could not compile expression: unknown function nosuchfunction\(\)/],
    ['expr "a.b"', /Corefile:3: template: expr: could not compile expression: no fields here/],
    ['answer "{{ .Var.missing }}"', /Corefile:3: .*can't evaluate field missing in type map\[string\]interface \{\}/],
    ['answer "{{ .Var.constructor }}"', /can't evaluate field constructor/],
    ['answer "{{ .constructor }}"', /can't evaluate field constructor/],
  ];
  for (const [options, want] of refused) assert.match(parseError(`template ANY ANY example. {\n ${options}\n }`), want, options);
});

interface Case {
  readonly name: string;
  readonly config: string;
  readonly qname?: string;
  readonly qtype?: keyof typeof QType;
  readonly remote?: string;
  readonly md?: Record<string, string>;
  readonly rcode?: number;
  readonly answer?: string[];
  readonly extra?: string[];
  readonly ns?: string[];
  /** The query fails with this message (SERVFAIL). */
  readonly error?: RegExp;
}

// CoreDNS's TestExpr and TestVar (template/expr_test.go, var_test.go), with chaindns's template
// language (no `if`, `eq` or `len` in records).
const cases: Case[] = [
  { name: 'True', config: "expr name() == 'a.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"", answer: ['a.example. 60 IN A 10.0.0.1'] },
  { name: 'FalseServfail', config: "expr name() == 'b.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"", rcode: Rcode.SERVFAIL },
  { name: 'FalseFallthrough', config: "expr name() == 'b.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", rcode: FALLTHROUGH },
  { name: 'FalseFallthroughZoneMismatch', config: "expr name() == 'b.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough other.example.", rcode: Rcode.SERVFAIL },
  {
    name: 'FalseFallsToNextTemplate',
    config: "expr name() == 'b.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough\n }\n template IN A example. {\n answer \"{{ .Name }} 60 IN A 10.0.0.2\"",
    answer: ['a.example. 60 IN A 10.0.0.2'],
  },
  { name: 'AllTrue', config: "expr name() == 'a.example.'\n expr type() == 'A'\n expr incidr(client_ip(), '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"", answer: ['a.example. 60 IN A 10.0.0.1'] },
  { name: 'LastFalse', config: "expr name() == 'a.example.'\n expr type() == 'A'\n expr incidr(client_ip(), '192.0.2.0/24')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", rcode: FALLTHROUGH },
  { name: 'UsesVars', config: 'match ^(?P<n>[0-9]+)[.]example[.]$\n var num int(group(\'n\'))\n expr num > 1\n answer "{{ .Name }} 60 IN A 10.0.0.{{ .Var.num }}"\n fallthrough', qname: '2.example.', answer: ['2.example. 60 IN A 10.0.0.2'] },
  { name: 'UsesVarsFalse', config: 'match ^(?P<n>[0-9]+)[.]example[.]$\n var num int(group(\'n\'))\n expr num > 1\n answer "{{ .Name }} 60 IN A 10.0.0.{{ .Var.num }}"\n fallthrough', qname: '1.example.', rcode: FALLTHROUGH },
  { name: 'UsesGroup', config: "match ^(?P<n>[0-9]+)[.]example[.]$\n expr group('n') == '2' && group(0) == '2.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.{{ .Group.n }}\"\n fallthrough", qname: '2.example.', answer: ['2.example. 60 IN A 10.0.0.2'] },
  { name: 'Metadata', config: "expr metadata('test/region') == 'eu'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", md: { 'test/region': 'eu' }, answer: ['a.example. 60 IN A 10.0.0.1'] },
  { name: 'MetadataMismatch', config: "expr metadata('test/region') == 'eu'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", md: { 'test/region': 'us' }, rcode: FALLTHROUGH },
  { name: 'NonBool', config: 'expr 1\n answer "{{ .Name }} 60 IN A 10.0.0.1"\n fallthrough', rcode: FALLTHROUGH },
  { name: 'RuntimeError', config: "expr incidr('notanip', '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", error: /expression failed: incidr: first argument is not an IP address/ },
  { name: 'NoMatchNoEvaluation', config: "match ^a[.]example[.]$\n expr incidr('notanip', '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", qname: 'b.example.', rcode: FALLTHROUGH },
  { name: 'Constant', config: 'var ttl 60\n answer "{{ .Name }} {{ .Var.ttl }} IN A 10.0.0.1"', answer: ['a.example. 60 IN A 10.0.0.1'] },
  { name: 'Chained', config: 'var a 1\n var b a + 1\n var c b * 10\n answer "{{ .Name }} 60 IN A 10.{{ .Var.a }}.{{ .Var.b }}.{{ .Var.c }}"', answer: ['a.example. 60 IN A 10.1.2.20'] },
  {
    name: 'GroupByNameAndIndex',
    config: "match ^(?P<a>[0-9]+)-(?P<b>[0-9]+)[.]example[.]$\n var a group('a')\n var b group(2)\n var whole group(0)\n answer \"{{ .Var.whole }} 60 IN A 10.0.{{ .Var.a }}.{{ .Var.b }}\"",
    qname: '12-34.example.',
    answer: ['12-34.example. 60 IN A 10.0.12.34'],
  },
  { name: 'GroupMissing', config: "match ^(?P<a>[a-z]+)[.]example[.]$\n var missing group('nosuchgroup') + group(9)\n answer \"{{ .Name }} 60 IN TXT \\\"empty={{ .Var.missing }}.\\\"\"", qtype: 'TXT', answer: ['a.example. 60 IN TXT "empty=."'] },
  {
    name: 'QueryFunctions',
    config: 'var n name()\n var t type()\n var ip client_ip()\n answer "{{ .Var.n }} 60 IN A {{ .Var.ip }}"\n additional "{{ .Var.n }} 60 IN TXT \\"{{ .Var.t }}\\""',
    answer: ['a.example. 60 IN A 10.240.0.1'],
    extra: ['a.example. 60 IN TXT "A"'],
  },
  { name: 'VarMetadata', config: "var region metadata('test/region')\n answer \"{{ .Var.region }}.{{ .Name }} 60 IN A 10.0.0.1\"", md: { 'test/region': 'eu' }, answer: ['eu.a.example. 60 IN A 10.0.0.1'] },
  { name: 'BoolVar', config: "var local incidr(client_ip(), '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN TXT \\\"{{ .Var.local }}\\\"\"", qtype: 'TXT', answer: ['a.example. 60 IN TXT "true"'] },
  {
    name: 'UsedInAllSections',
    config: "var target 'ns0.example.'\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n additional \"{{ .Var.target }} 60 IN A 10.0.0.2\"\n authority \"example. 60 IN NS {{ .Var.target }}\"",
    answer: ['a.example. 60 IN A 10.0.0.1'],
    extra: ['ns0.example. 60 IN A 10.0.0.2'],
    ns: ['example. 60 IN NS ns0.example.'],
  },
  { name: 'NoVars', config: 'answer "{{ .Name }} 60 IN TXT \\"{{ .Var }}\\""', qtype: 'TXT', answer: ['a.example. 60 IN TXT "map[]"'] },
  { name: 'PrintedVars', config: "var b 2\n var a 'x'\n answer \"{{ .Name }} 60 IN TXT \\\"{{ .Var }}\\\"\"", qtype: 'TXT', answer: ['a.example. 60 IN TXT "map[a:x b:2]"'] },
  { name: 'VarRuntimeError', config: "var bad incidr('notanip', '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"", error: /expression failed/ },
  { name: 'VarRuntimeErrorWithFallthrough', config: "var bad incidr('notanip', '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", error: /expression failed/ },
  { name: 'VarNoMatchNoEvaluation', config: "match ^a[.]example[.]$\n var bad incidr('notanip', '10.0.0.0/8')\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n fallthrough", qname: 'b.example.', rcode: FALLTHROUGH },
  {
    name: 'DeviceAddress',
    config:
      "match ^(?P<ip>[0-9]{1,3}(-[0-9]{1,3}){3})[.](?P<id>[a-z2-7]{26})[.]example[.]$\n var ip replace(group('ip'), '-', '.')\n expr \"any(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'], incidr(ip, #))\"\n answer \"{{ .Name }} 60 IN A {{ .Var.ip }}\"\n fallthrough",
    qname: '192-168-1-10.abcdefghijklmnopqrstuvwxyz.example.',
    answer: ['192-168-1-10.abcdefghijklmnopqrstuvwxyz.example. 60 IN A 192.168.1.10'],
  },
  {
    name: 'DevicePublicAddress',
    config:
      "match ^(?P<ip>[0-9]{1,3}(-[0-9]{1,3}){3})[.](?P<id>[a-z2-7]{26})[.]example[.]$\n var ip replace(group('ip'), '-', '.')\n expr \"any(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'], incidr(ip, #))\"\n answer \"{{ .Name }} 60 IN A {{ .Var.ip }}\"\n fallthrough",
    qname: '8-8-8-8.abcdefghijklmnopqrstuvwxyz.example.',
    rcode: FALLTHROUGH,
  },
];

test('var and expr per query (CoreDNS TestExpr, TestVar)', async (t) => {
  for (const c of cases) {
    await t.test(c.name, async () => {
      const handler = build(`template IN ${c.qtype === 'TXT' ? 'TXT' : 'A'} example. {\n ${c.config}\n }`);
      const req: Request = makeRequest(c.qname ?? 'a.example.', c.qtype ?? 'A', { remote: { address: c.remote ?? '10.240.0.1', port: 40000, family: 4 } });
      if (c.md) {
        const md = c.md;
        req.metadata = new Metadata([{ metadata: (_r, label) => md[label] }], req);
      }
      const w = new Recorder();
      if (c.error) {
        await assert.rejects(async () => handler.serveDNS(req, w, next), (err: unknown) => err instanceof PluginError && err.rcode === Rcode.SERVFAIL && c.error!.test(err.message));
        return;
      }
      const rcode = await handler.serveDNS(req, w, next);
      assert.equal(rcode, c.rcode ?? Rcode.NOERROR);
      if (rcode !== Rcode.NOERROR) return assert.equal(w.writes, 0);
      assertCase(w.packet(), { qname: '', qtype: c.qtype ?? 'A', answer: c.answer ?? [], ns: c.ns ?? [], extra: c.extra ?? [] });
    });
  }
});

test('.Meta reads the query metadata', async () => {
  const handler = build('template IN TXT example. {\n answer "{{ .Name }} 60 IN TXT \\"{{ .Meta \\"test/region\\" }}-{{ .Meta \\"test/none\\" }}\\""\n }');
  const req = makeRequest('a.example.', 'TXT');
  req.metadata = new Metadata([{ metadata: (_r, label) => (label === 'test/region' ? 'eu' : undefined) }], req);
  const w = new Recorder();
  await handler.serveDNS(req, w, next);
  assertCase(w.packet(), { qname: '', qtype: 'TXT', answer: ['a.example. 60 IN TXT "eu-"'] });
});
