import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeRequest } from '@chaindns/core/testing';
import { NameRegex } from '../src/name-regex.js';
import { parseUint } from '../src/parse-uint.js';
import { QueryData } from '../src/query-data.js';
import { compileTemplate } from '../src/template-compile.js';

/** The data a query for `name` gives, its submatches from `pattern`. */
function data(name: string, pattern: string): QueryData {
  const sub = new NameRegex(pattern).exec(name.toLowerCase())!;
  return new QueryData(makeRequest(name, 'A', { id: 7, remote: { address: '192.0.2.9', port: 5353, family: 4 } }), 'example.', pattern, sub.match, sub.group, 'IN', 'A', new Map());
}

const d = data('Host.IP-10-1-2-3.example.', '(^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$|(?P<never>x^)');

test('templates render as Go text/template does', async (t) => {
  const cases: [string, string][] = [
    ['{{ .Name }} {{ .Zone }} {{ .Class }} {{ .Type }} {{ .Remote }}', 'host.ip-10-1-2-3.example. example. IN A 192.0.2.9'],
    ['{{ index .Match 0 }}|{{ index .Match 1 }}|{{ index .Match 6 }}', '.ip-10-1-2-3.example.|.|'],
    ['{{ .Group.a }}.{{ .Group.b }}.{{ index .Group "c" }}.{{ index .Group "4" }}', '10.1.2.2'],
    // A named group that took no part is ""; a name that is no group prints as Go's missing map value, and index gives "".
    ['[{{ .Group.never }}] [{{ .Group.nosuch }}] [{{ index .Group "nosuch" }}]', '[] [<no value>] []'],
    ['{{ .Match }}', '[.ip-10-1-2-3.example. . 10 1 2 3 ]'],
    ['{{ .Group }}', 'map[0:.ip-10-1-2-3.example. 1:. 2:10 3:1 4:2 5:3 6: a:10 b:1 c:2 d:3 never:]'],
    ['{{ .Question }}', ';Host.IP-10-1-2-3.example.\tIN\t A'],
    ['{{ .Question.Name }} {{ .Question.Qtype }} {{ .Question.Qclass }}', 'Host.IP-10-1-2-3.example. 1 1'],
    ['{{ .Message.Id }} {{ .Message.RecursionDesired }} {{ .Message.Opcode }} {{ .Message.CheckingDisabled }}', '7 true 0 false'],
    ['{{ .Meta "kubernetes/client-namespace" }}|', '|'],
    ['{{ parseInt "ff" 16 8 }} {{ parseInt "0x1f" 0 0 }} {{ parseInt "0b101" 0 8 }} {{ parseInt "017" 0 8 }} {{ parseInt "1_000" 0 64 }} {{ parseInt "18446744073709551615" 10 64 }}', '255 31 5 15 1000 18446744073709551615'],
    ['{{ parseInt (index .Match 2) 10 8 }}', '10'],
    ['{{ "a\\tb\\x41\\u00e9" }} {{ `raw\\n` }} {{ 42 }} {{ true }} {{ 0x10 }}', 'a\tbAé raw\\n 42 true 16'],
    ['a  {{- .Zone -}}  b {{/* dropped */}}c{{- /* trims */ -}} d', 'aexample.b cd'],
    ['{{.Name}}{{.Type}}', 'host.ip-10-1-2-3.example.A'],
  ];
  for (const [source, want] of cases) await t.test(source, () => assert.equal(compileTemplate('answer', source).render(d), want));
});

test('a failure when running reads as Go\'s', async (t) => {
  const cases: [string, string][] = [
    ['{{ index .Match 9 }}', 'template: answer:1:3: executing "answer" at <index .Match 9>: error calling index: index out of range: 9'],
    ['x\n {{ parseInt .Group.a 16 4 }}', 'template: answer:2:4: executing "answer" at <parseInt .Group.a 16 4>: error calling parseInt: strconv.ParseUint: parsing "10": value out of range'],
    ['{{ parseInt .Group.nosuch 10 8 }}', 'template: answer:1:12: executing "answer" at <.Group.nosuch>: invalid value; expected string'],
    ['{{ parseInt "1" 1 8 }}', 'template: answer:1:3: executing "answer" at <parseInt "1" 1 8>: error calling parseInt: strconv.ParseUint: parsing "1": invalid base 1'],
    ['{{ parseInt "1" 10 65 }}', 'template: answer:1:3: executing "answer" at <parseInt "1" 10 65>: error calling parseInt: strconv.ParseUint: parsing "1": invalid bit size 65'],
    ['{{ parseInt "" 10 8 }}', 'template: answer:1:3: executing "answer" at <parseInt "" 10 8>: error calling parseInt: strconv.ParseUint: parsing "": invalid syntax'],
  ];
  for (const [source, message] of cases) await t.test(source, () => assert.throws(() => compileTemplate('answer', source).render(d), { message }));
});

test('what the template language refuses when the Corefile loads', async (t) => {
  const cases: [string, RegExp][] = [
    ['{{ .Name ', /answer:1: unclosed action/],
    ['{{/* open', /answer:1: unclosed comment/],
    ['{{ "x }}', /unterminated quoted string/],
    ['{{ ( .Name }}', /unclosed left paren/],
    ['{{ }}', /missing value for command/],
    ['{{ .Name.Length }}', /can't evaluate field Length in type string/],
    ['{{ .Group.a.b }}', /can't evaluate field b in type string/],
    ['{{ index .Name 1 }}', /can't index item of type string/],
    ['{{ index }}', /wrong number of args for index: want at least 1 got 0/],
    ['{{ parseInt .Name 16 }}', /wrong number of args for parseInt: want 3 got 2/],
    ['{{ parseInt .Name .Question.Qtype 8 }}', /wrong type for value of parseInt; expected int; got uint16/],
    ['{{ .Meta .Name .Name }}', /wrong number of args for Meta: want 1 got 2/],
    ['{{ . }}', /printing \. \(\*template.templateData\) is not supported/],
    ['{{ range .Match }}{{ end }}', /\{\{ range \}\} is not supported/],
    ['{{ with .Name }}{{ end }}', /\{\{ with \}\} is not supported/],
    ['{{ template "x" }}', /\{\{ template \}\} is not supported/],
    ['{{ len .Match }}', /function "len" is not supported/],
    ['{{ exec "rm" }}', /function "exec" not defined/],
    ['{{ 1.5 }}', /number 1.5 is not supported in chaindns templates \(integers only\)/],
    ["{{ 'a' }}", /character constants are not supported/],
    ['{{ (index .Match 1).Foo }}', /fields of a parenthesized result are not supported/],
    ['{{ .Name}}{{.Zone"x"}}', /missing space between arguments/],
  ];
  for (const [source, error] of cases) await t.test(source, () => assert.throws(() => compileTemplate('answer', source), error));
});

test('a template knows whether it reads the submatches', () => {
  assert.equal(compileTemplate('answer', '{{ .Name }} 60 IN A {{ .Remote }}').usesCaptures, false);
  assert.equal(compileTemplate('answer', '{{ .Name }} 60 IN A {{ .Group.a }}').usesCaptures, true);
  assert.equal(compileTemplate('answer', '{{ index .Match 1 }}').usesCaptures, true);
});

test('parseInt is strconv.ParseUint', () => {
  assert.equal(parseUint('255', 10, 8), 255n);
  assert.throws(() => parseUint('256', 10, 8), /value out of range/);
  assert.throws(() => parseUint('-1', 10, 8), /invalid syntax/);
  assert.throws(() => parseUint('1__0', 0, 8), /invalid syntax/);
  assert.throws(() => parseUint('1_0', 10, 8), /invalid syntax/);
  assert.equal(parseUint('zz', 36, 16), 1295n);
  assert.equal(parseUint('0', 0, 8), 0n);
});

test('regexes are Go\'s (RE2): syntax, leftmost-first submatches, linear time', () => {
  assert.deepEqual(new NameRegex('(?i)^(A+)(?:b)?\\z').exec('aab')?.match, ['aab', 'aa']);
  assert.deepEqual(new NameRegex('[[:digit:]]+').exec('ab123c')?.match, ['123']);
  assert.equal(new NameRegex('^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$').test('a.b.c.d.internal.cloudapp.net.'), true);
  assert.equal(new NameRegex('^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$').test('b.c.d.internal.cloudapp.net.'), false);
  assert.throws(() => new NameRegex('(?P<x>'), /error parsing regexp: missing closing \)/);
  // A pattern that backtracks exponentially in a backtracking engine, on a name of 250 octets.
  const evil = new NameRegex('^(a+)+$');
  const started = process.hrtime.bigint();
  assert.equal(evil.test('a'.repeat(60) + 'b'), false);
  assert.equal(evil.exec('a'.repeat(60) + 'b'), null);
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'answered at once');
});
