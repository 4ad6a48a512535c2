import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { rewrite, type RewriteConfig, type RuleConfig } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

/** The config of every `rewrite` in `. { TEXT }` (the first directive is on line 2). */
function parse(text: string): RewriteConfig {
  const directives = parseCorefile(`. {\n${text}\n}`).blocks[0]!.directives.filter((d) => d.name === 'rewrite');
  return rewrite.combine!(directives.map((d) => rewrite.parse(d, ctx)));
}

const rule = (text: string): RuleConfig => parse(text).rules[0]!;
/** Every rule may lead with a mode: none (stop), stop or continue. */
const modes = ['', 'stop ', 'continue '];

test('rewrite setup: CoreDNS setup_test.go and the shapes operators write', async (t) => {
  const cases: SetupCase<RuleConfig | RuleConfig[]>[] = [
    { corefile: 'rewrite', error: /Corefile:2: rewrite: no rule type specified for rewrite$/ },
    { corefile: 'rewrite name', error: /Corefile:2: rewrite: too few arguments for a name rule$/ },
    {
      corefile: 'rewrite name a.com b.com',
      want: { field: 'name', mode: 'stop', match: 'exact', from: 'a.com.', to: 'b.com.', auto: true, answers: [] },
    },
    {
      corefile: 'rewrite stop {\n    name regex foo bar\n    answer name bar foo\n}',
      want: { field: 'name', mode: 'stop', match: 'regex', from: 'foo', to: 'bar.', auto: false, answers: [{ target: 'name', pattern: 'bar', replacement: 'foo.' }] },
    },
    {
      corefile: 'rewrite stop name regex foo bar answer name bar foo',
      want: { field: 'name', mode: 'stop', match: 'regex', from: 'foo', to: 'bar.', auto: false, answers: [{ target: 'name', pattern: 'bar', replacement: 'foo.' }] },
    },
    { corefile: 'rewrite stop {\n    name regex foo bar\n    answer name bar foo\n    name baz\n}', error: /Corefile:5: rewrite: name answer rule for regex rule: 2 arguments required$/ },
    { corefile: 'rewrite stop {\n    answer name bar foo\n    name regex foo bar\n}', error: /Corefile:3: rewrite: response rewrites must begin with a name rule$/ },
    { corefile: 'rewrite stop', error: /Corefile:2: rewrite: stop rule must begin with a rule type$/ },
    { corefile: 'rewrite continue', error: /Corefile:2: rewrite: continue rule must begin with a rule type$/ },
    { corefile: 'rewrite stop name regex [bad[ bar answer name bar foo', error: /Corefile:2: rewrite: invalid regex pattern \[bad\[: / },
    // The AKS custom DNS Corefile and operators' rules.
    {
      corefile: 'rewrite stop {\n  name regex (.*)\\.example\\.com {1}.default.svc.cluster.local\n  answer name (.*)\\.default\\.svc\\.cluster\\.local {1}.example.com\n}',
      want: {
        field: 'name',
        mode: 'stop',
        match: 'regex',
        from: '(.*)\\.example\\.com',
        to: '{1}.default.svc.cluster.local.',
        auto: false,
        answers: [{ target: 'name', pattern: '(.*)\\.default\\.svc\\.cluster\\.local', replacement: '{1}.example.com.' }],
      },
    },
    {
      corefile: 'rewrite name exact foo.example.com foo.default.svc.cluster.local',
      want: { field: 'name', mode: 'stop', match: 'exact', from: 'foo.example.com.', to: 'foo.default.svc.cluster.local.', auto: true, answers: [] },
    },
    {
      corefile: 'rewrite name substring Service.US-West-1.example.org service.us-west-1.consul',
      want: { field: 'name', mode: 'stop', match: 'substring', from: 'service.us-west-1.example.org.', to: 'service.us-west-1.consul.', auto: false, answers: [] },
    },
    {
      corefile: 'rewrite continue name suffix .coredns.rocks .service.consul answer auto answer value (.*)\\.consul {1}.rocks',
      want: { field: 'name', mode: 'continue', match: 'suffix', from: '.coredns.rocks.', to: '.service.consul.', auto: true, answers: [{ target: 'value', pattern: '(.*)\\.consul', replacement: '{1}.rocks.' }] },
    },
    // `answer name auto` (CoreDNS's README PTR example) is `answer auto`.
    {
      corefile: 'rewrite stop {\n name suffix .arpa .arpa\n answer name auto\n answer value (.*)\\.service\\.consul\\. {1}.coredns.rocks.\n}',
      want: { field: 'name', mode: 'stop', match: 'suffix', from: '.arpa.', to: '.arpa.', auto: true, answers: [{ target: 'value', pattern: '(.*)\\.service\\.consul\\.', replacement: '{1}.coredns.rocks.' }] },
    },
    { corefile: 'rewrite name suffix a b answer auto answer name x y', error: /Corefile:2: rewrite: auto name answer rule cannot be combined with explicit name answer rules$/ },
    { corefile: 'rewrite name exact a b {\n answer auto\n}', error: /Corefile:3: rewrite: a rule written on the directive line takes no block$/ },
    { corefile: 'rewrite stop {\n name exact a b {\n  c\n }\n}', error: /Corefile:3: rewrite: "name" takes no block$/ },
    { corefile: 'rewrite foo a b', error: /Corefile:2: rewrite: invalid rule type "foo", expected name, class, type, ttl, rcode, cname or edns0/ },
    { corefile: 'rewrite unknown-action name a.com b.com', error: /invalid rule type "unknown-action"/ },
    // class and type
    { corefile: 'rewrite class CH IN', want: { field: 'class', mode: 'stop', from: 3, to: 1 } },
    { corefile: 'rewrite continue class hs ch', want: { field: 'class', mode: 'continue', from: 4, to: 3 } },
    { corefile: 'rewrite class IN WV', error: /Corefile:2: rewrite: invalid class "WV"$/ },
    { corefile: 'rewrite class ch in in', error: /Corefile:2: rewrite: class rules must have exactly two arguments$/ },
    { corefile: 'rewrite type ANY HINFO', want: { field: 'type', mode: 'stop', from: 255, to: 13 } },
    { corefile: 'rewrite type a minfo', want: { field: 'type', mode: 'stop', from: 1, to: 14 } },
    { corefile: 'rewrite type XY WV', error: /Corefile:2: rewrite: invalid type "XY"$/ },
    { corefile: 'rewrite type a', error: /Corefile:2: rewrite: type rules must have exactly two arguments$/ },
    // ttl (CoreDNS's TestNewTTLRule)
    { corefile: 'rewrite ttl srv1.coredns.rocks 10', want: { field: 'ttl', mode: 'stop', match: 'exact', name: 'srv1.coredns.rocks.', min: 10, max: 10 } },
    { corefile: 'rewrite continue ttl prefix coredns.rocks 20', want: { field: 'ttl', mode: 'continue', match: 'prefix', name: 'coredns.rocks.', min: 20, max: 20 } },
    { corefile: 'rewrite ttl regex (srv1)\\.(coredns)\\.(rocks) 35', want: { field: 'ttl', mode: 'stop', match: 'regex', name: '(srv1)\\.(coredns)\\.(rocks)', min: 35, max: 35 } },
    { corefile: 'rewrite ttl range.coredns.rocks 1-2', want: { field: 'ttl', mode: 'stop', match: 'exact', name: 'range.coredns.rocks.', min: 1, max: 2 } },
    { corefile: 'rewrite ttl ceil.coredns.rocks -2', want: { field: 'ttl', mode: 'stop', match: 'exact', name: 'ceil.coredns.rocks.', min: 0, max: 2 } },
    { corefile: 'rewrite ttl floor.coredns.rocks 1-', want: { field: 'ttl', mode: 'stop', match: 'exact', name: 'floor.coredns.rocks.', min: 1, max: 2147483647 } },
    { corefile: 'rewrite ttl srv1.coredns.rocks 12345678901234567890', error: /Corefile:2: rewrite: invalid TTL '12345678901234567890' for a ttl rule/ },
    { corefile: 'rewrite ttl srv1.coredns.rocks coredns.rocks', error: /invalid TTL 'coredns.rocks'/ },
    { corefile: 'rewrite ttl invalid.coredns.rocks -', error: /invalid TTL '-'/ },
    { corefile: 'rewrite ttl invalid.coredns.rocks 2-1', error: /invalid TTL '2-1'/ },
    { corefile: 'rewrite ttl invalid.coredns.rocks 5-10-20', error: /invalid TTL '5-10-20'/ },
    { corefile: 'rewrite ttl srv1.coredns.rocks', error: /Corefile:2: rewrite: too few \(1\) arguments for a ttl rule$/ },
    { corefile: 'rewrite ttl exact a b 10 20', error: /Corefile:2: rewrite: too many \(5\) arguments for a ttl rule$/ },
    { corefile: 'rewrite ttl wildcard a 10', error: /Corefile:2: rewrite: ttl rule supports only exact, prefix, suffix, substring, and regex name matching$/ },
    { corefile: `rewrite ttl regex ${'a'.repeat(10001)} 300`, error: /regex pattern too long: 10001 > 10000 in a ttl rule/ },
    // rcode (CoreDNS's TestNewRCodeRule)
    { corefile: 'rewrite rcode numeric.rcode.coredns.rocks 2 0', want: { field: 'rcode', mode: 'stop', match: 'exact', name: 'numeric.rcode.coredns.rocks.', from: 2, to: 0 } },
    { corefile: 'rewrite rcode exact match.string.rcode.coredns.rocks SERVFAIL NOERROR', want: { field: 'rcode', mode: 'stop', match: 'exact', name: 'match.string.rcode.coredns.rocks.', from: 2, to: 0 } },
    { corefile: 'rewrite continue rcode regex (regex)\\.rcode\\.(coredns)\\.(rocks) FORMERR noerror', want: { field: 'rcode', mode: 'continue', match: 'regex', name: '(regex)\\.rcode\\.(coredns)\\.(rocks)', from: 1, to: 0 } },
    { corefile: 'rewrite rcode too.few.rcode.coredns.rocks 2', error: /Corefile:2: rewrite: too few \(2\) arguments for a rcode rule$/ },
    { corefile: 'rewrite rcode exact too.many.rcode.coredns.rocks 2 1 0', error: /Corefile:2: rewrite: too many \(5\) arguments for a rcode rule$/ },
    { corefile: 'rewrite rcode invalid.rcode.coredns.rocks random nothing', error: /Corefile:2: rewrite: invalid matching RCODE 'random' for a rcode rule$/ },
    { corefile: 'rewrite rcode a.example 2 24', error: /invalid replacement RCODE '24'/ },
    { corefile: 'rewrite rcode a.example BADCOOKIE 23', want: { field: 'rcode', mode: 'stop', match: 'exact', name: 'a.example.', from: 23, to: 23 } },
    // cname
    { corefile: 'rewrite cname regex (.*)\\.cdn\\.example\\.net\\. {1}.other.cdn.com.', want: { field: 'cname', mode: 'stop', match: 'regex', from: '(.*)\\.cdn\\.example\\.net\\.', to: '{1}.other.cdn.com.' } },
    { corefile: 'rewrite cname A.example B.example', want: { field: 'cname', mode: 'stop', match: 'exact', from: 'a.example.', to: 'b.example.' } },
    { corefile: 'rewrite continue cname suffix .Example.NET .example.org', want: { field: 'cname', mode: 'continue', match: 'suffix', from: '.example.net', to: '.example.org' } },
    { corefile: 'rewrite cname a', error: /Corefile:2: rewrite: a cname rule takes \[exact\|prefix\|suffix\|substring\|regex\] FROM TO, got 1 arguments$/ },
    { corefile: 'rewrite cname fuzzy a b', error: /cname rule supports only exact, prefix, suffix, substring, and regex/ },
    { corefile: 'rewrite cname regex ([a b', error: /Corefile:2: rewrite: invalid cname rewrite regex pattern: / },
  ];
  const rows = cases.map((c) => (c.want && !Array.isArray(c.want) ? { ...c, want: [c.want] } : c));
  await assertSetupCases(t, rewrite, rows, { view: (config) => config.rules });
});

test('rewrite setup: edns0 rules (CoreDNS TestNewRule)', async (t) => {
  const local = (code: number, data: string | null, variable: string | null = null) => ({ kind: 'local', code, data: data === null ? null : Buffer.from(data, 'hex'), variable });
  const cases: { text: string; option?: object; action?: string; revert?: boolean; error?: RegExp }[] = [
    { text: 'edns0', error: /too few arguments for an EDNS0 rule/ },
    { text: 'edns0 unknown-rule-type set', error: /invalid rule type "unknown-rule-type", expected local, nsid or subnet/ },
    { text: 'edns0 unknown-rule-type unset', error: /invalid rule type "unknown-rule-type"/ },
    { text: 'edns0 local', error: /too few arguments for an EDNS0 rule/ },
    { text: 'edns0 local set', error: /EDNS0 local rules require three or four args/ },
    { text: 'edns0 local set 0xffee', error: /EDNS0 local rules require three or four args/ },
    { text: 'edns0 local set invalid-uint abcdefg', error: /invalid EDNS0 option code "invalid-uint"/ },
    { text: 'edns0 local set 65536 abcdefg', error: /invalid EDNS0 option code "65536"/ },
    { text: 'edns0 local set 65518 abcdefg', option: local(0xffee, '61626364656667'), action: 'set' },
    { text: 'edns0 local set 0xffee abcdefg', option: local(0xffee, '61626364656667'), action: 'set' },
    { text: 'edns0 local set 0xffee 0x61626364 revert', option: local(0xffee, '61626364'), action: 'set', revert: true },
    { text: 'edns0 local append 0xffee abcdefg', option: local(0xffee, '61626364656667'), action: 'append' },
    { text: 'edns0 local replace 0xffee abcdefg revert', option: local(0xffee, '61626364656667'), action: 'replace', revert: true },
    { text: 'edns0 local unset 0xffee', option: local(0xffee, null), action: 'unset' },
    { text: 'edns0 local unset 0xffee abcdefg', error: /local unset action requires exactly two arguments/ },
    { text: 'edns0 local unset 0xffee revert', error: /local unset action requires exactly two arguments/ },
    { text: 'edns0 local foo 0xffee abcdefg', error: /invalid action: "foo"/ },
    { text: 'edns0 local set 0xffee 0xabcdefg', error: /invalid hex data "0xabcdefg"/ },
    { text: 'edns0 nsid set junk', error: /EDNS0 NSID rules can accept no more than one arg/ },
    { text: 'edns0 nsid set', option: { kind: 'nsid' }, action: 'set' },
    { text: 'edns0 nsid append revert', option: { kind: 'nsid' }, action: 'append', revert: true },
    { text: 'edns0 nsid replace', option: { kind: 'nsid' }, action: 'replace' },
    { text: 'edns0 nsid unset', option: { kind: 'nsid' }, action: 'unset' },
    { text: 'edns0 nsid unset revert', error: /nsid unset action requires exactly one argument/ },
    { text: 'edns0 nsid foo', error: /invalid action: "foo"/ },
    { text: 'edns0 local set invalid-uint {qname}', error: /invalid EDNS0 option code/ },
    { text: 'edns0 local set 0xffee {dummy}', error: /unsupported variable name "\{dummy\}", expected one of \{qname\}/ },
    { text: 'edns0 local set 0xffee {some-plugin/some-label}', error: /the metadata label \{some-plugin\/some-label\} needs the metadata plugin/ },
    ...['{qname}', '{qtype}', '{client_ip}', '{client_port}', '{protocol}', '{server_ip}', '{server_port}'].flatMap((v) =>
      ['set', 'append', 'replace'].map((action) => ({ text: `edns0 local ${action} 0xffee ${v} revert`, option: local(0xffee, null, v), action, revert: true })),
    ),
    { text: 'edns0 subnet set -1 56', error: /invalid IPv4 bit mask length "-1", expected 0 to 32/ },
    { text: 'edns0 subnet set 24 -56', error: /invalid IPv6 bit mask length "-56"/ },
    { text: 'edns0 subnet set 33 56', error: /invalid IPv4 bit mask length "33"/ },
    { text: 'edns0 subnet set 24 129', error: /invalid IPv6 bit mask length "129", expected 0 to 128/ },
    { text: 'edns0 subnet set 24 56', option: { kind: 'subnet', v4: 24, v6: 56 }, action: 'set' },
    { text: 'edns0 subnet append 24 56 revert', option: { kind: 'subnet', v4: 24, v6: 56 }, action: 'append', revert: true },
    { text: 'edns0 subnet append 24 56 72', error: /EDNS0 subnet rules require three or four args/ },
    { text: 'edns0 subnet replace 0x18 0o70', option: { kind: 'subnet', v4: 24, v6: 56 }, action: 'replace' },
    { text: 'edns0 subnet unset', option: { kind: 'subnet', v4: 0, v6: 0 }, action: 'unset' },
    { text: 'edns0 subnet unset 24 56', error: /subnet unset action requires exactly one argument/ },
    { text: 'edns0 subnet unset revert', error: /subnet unset action requires exactly one argument/ },
  ];
  const rows = cases.flatMap((c) =>
    modes.map((mode): SetupCase<RuleConfig[]> => ({
      corefile: `rewrite ${mode}${c.text}`,
      ...(c.error ? { error: new RegExp(`Corefile:2: rewrite: ${c.error.source}`) } : { want: [{ field: 'edns0', mode: mode.trim() || 'stop', action: c.action, option: c.option, revert: c.revert ?? false } as RuleConfig] }),
    })),
  );
  await assertSetupCases(t, rewrite, rows, { view: (config) => config.rules });
  assert.throws(() => rule('rewrite unknown-action edns0 local set 0xffee abcedef'), /invalid rule type "unknown-action"/);
});

test('rewrite setup: name rules (CoreDNS TestNewRule and TestNewNameRule)', async (t) => {
  const cases: { args: string; ok: boolean }[] = [
    { args: 'name a.com', ok: false },
    { args: 'name a.com b.com c.com', ok: false },
    { args: 'name exact a.com b.com', ok: true },
    { args: 'name prefix a.com b.com', ok: true },
    { args: 'name suffix a.com b.com', ok: true },
    { args: 'name substring a.com b.com', ok: true },
    { args: 'name regex ([a])\\.com new-{1}.com', ok: true },
    { args: 'name regex ([a]\\.com new-{1}.com', ok: false },
    { args: 'name regex (dns)\\.(core)\\.(rocks) {2}.{1}.{3} answer name (core)\\.(dns)\\.(rocks) {2}.{1}.{3}', ok: true },
    { args: 'name regex (adns)\\.(core)\\.(rocks) {2}.{1}.{3} answer name (core)\\.(adns)\\.(rocks) {2}.{1}.{3} too.long way.too.long', ok: false },
    { args: 'name regex (bdns)\\.(core)\\.(rocks) {2}.{1}.{3} NoAnswer name (core)\\.(bdns)\\.(rocks) {2}.{1}.{3}', ok: false },
    { args: 'name regex (cdns)\\.(core)\\.(rocks) {2}.{1}.{3} answer ttl (core)\\.(cdns)\\.(rocks) {2}.{1}.{3}', ok: false },
    { args: 'name substring fcore.dns.rocks dns.fcore.rocks answer name (fcore)\\.(dns)\\.(rocks) {2}.{1}.{3}', ok: true },
    { args: 'name substring a.com b.com c.com', ok: false },
    { args: 'name exact srv3.coredns.rocks srv4.coredns.rocks', ok: true },
    { args: 'name suffix coredns.rocks coredns.rocks.', ok: true },
    { args: 'name regex srv1.coredns.rocks 10', ok: true },
    { args: 'name regex (.*).coredns.rocks {1}.coredns.rocks', ok: true },
    { args: 'name regex (.*).coredns.rocks {1}.{2}.coredns.rocks', ok: false },
    { args: 'name suffix staging.mydomain.com coredns.rock answer', ok: false },
    { args: 'name suffix staging.mydomain.com coredns.rock answer name', ok: false },
    { args: 'name suffix staging.mydomain.com coredns.rock answer other', ok: false },
    { args: 'name suffix staging.mydomain.com coredns.rock answer auto', ok: true },
    { args: 'name regex staging.mydomain.com coredns.rock answer auto', ok: true },
    { args: 'name regex staging.mydomain.com coredns.rock answer name', ok: false },
    { args: 'name regex staging.mydomain.com coredns.rock answer name coredns.rock staging.mydomain.com', ok: true },
    { args: 'name regex staging.mydomain.com coredns.rock answer name (.*).coredns.rock {1}.{2}.staging.mydomain.com', ok: false },
    { args: 'name regex staging.mydomain.com coredns.rock answer name (.*).coredns.rock {1}.staging.mydomain.com name (.*).coredns.rock {1}.staging.mydomain.com', ok: true },
    { args: 'name regex staging.mydomain.com coredns.rock answer name (.*).coredns.rock {1}.staging.mydomain.com name (.*).coredns.rock', ok: false },
    { args: 'name regex staging.mydomain.com coredns.rock answer name (.*).coredns.rock {1}.staging.mydomain.com answer value (.*).coredns.rock {1}.staging.mydomain.com', ok: true },
    { args: 'name regex staging.mydomain.com coredns.rock answer name (.*).coredns.rock {1}.staging.mydomain.com value (.*).coredns.rock', ok: false },
    { args: 'name suffix staging.mydomain.com. coredns.rock. answer value (.*).coredns.rock {1}.staging.mydomain.com value (.*).coredns.rock {1}.staging.mydomain.com', ok: true },
    { args: 'name suffix staging.mydomain.com. coredns.rock. answer value (.*).coredns.rock {1}.staging.mydomain.com name (.*).coredns.rock {1}.staging.mydomain.com', ok: true },
    { args: 'name suffix staging.mydomain.com. coredns.rock. answer value (.*).coredns.rock {1}.staging.mydomain.com value (.*).coredns.rock', ok: false },
    { args: `name regex ${'a'.repeat(10001)} replacement`, ok: false },
    // Go's RE2 syntax that JavaScript reads otherwise is refused, the rest translated.
    { args: 'name regex (?i)(.*)\\.EXAMPLE\\.com {1}.b', ok: true },
    { args: 'name regex (?P<svc>.*)\\.example\\.com {1}.b', ok: true },
    { args: 'name regex (.*)\\.example\\.com\\z {1}.b', ok: false },
    { args: 'name regex (?U)(.*)\\.example\\.com {1}.b', ok: false },
  ];
  // A row without `want` or `error` only has to parse.
  const rows = cases.flatMap((c) => modes.map((mode): SetupCase => ({ corefile: `rewrite ${mode}${c.args}`, ...(c.ok ? {} : { error: /Corefile:2: rewrite: / }) })));
  await assertSetupCases(t, rewrite, rows);
  assert.throws(() => rule(`rewrite name regex ${'a'.repeat(10001)} x`), /regex pattern too long: 10001 > 10000/);
  assert.throws(() => rule('rewrite name regex (.*)\\.example\\.com\\z {1}.b'), /Corefile:2: rewrite: invalid regex pattern .*Invalid escape/);
});

test('several rewrite directives are one list of rules, in the order written', () => {
  const config = parse('rewrite continue class HS CH\nrewrite stop {\n  type ANY HINFO\n}\nrewrite name a b');
  assert.deepEqual(
    config.rules.map((r) => `${r.mode} ${r.field}`),
    ['continue class', 'stop type', 'stop name'],
  );
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 15, `${examples.length} examples`);
  for (const corefile of examples) checkCorefile(corefile, [rewrite]);
});
