import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeName, readName } from '@chaindns/core';
import { encodeText, wireText } from '../src/name-text.js';
import { compileMatcher, compilePattern, compileTemplate, fill, requiredLiteral } from '../src/pattern.js';

const PATTERNS = [
  '(.*)\\.example\\.com',
  '(.*)-(us-west-1)\\.example\\.org',
  '(core)\\.(dns)\\.(rocks)\\.(nl)',
  '(f.*m)\\.regex\\.(nl)',
  'staging.mydomain.com',
  'abc?def',
  'ab+cd',
  'x{2}yz',
  'ab{0,3}cd',
  '[abc]def\\dgh',
  '^foo\\.bar$',
  'ab*?cd',
  '(?i)(.*)\\.EXAMPLE\\.com',
  'a|bc',
  '(?P<svc>[a-z]+)\\.svc\\.',
  'a\\x2ebc',
  '(a(b)c)de',
  '\\d+\\.in-addr\\.arpa\\.',
];
const NAMES = [
  'web.example.com.',
  'ftp-us-west-1.example.org.',
  'core.dns.rocks.nl.',
  'from.regex.nl.',
  'staging.mydomain.com.',
  'abdef.',
  'abcdef.',
  'abbbcd.',
  'xxyz.',
  'xyz.',
  'acd.',
  'adefigh.',
  'adef1gh.',
  'foo.bar',
  'foo.bar.',
  'acd',
  'WEB.Example.COM.',
  'a.',
  'bc.',
  'a.bc',
  'aabcde',
  'web.svc.cluster.local.',
  '1.0.0.10.in-addr.arpa.',
  '',
];

test('the literal pre-check never changes what an expression matches', () => {
  for (const p of PATTERNS) {
    const re = compilePattern(p);
    const matcher = compileMatcher(p);
    for (const name of NAMES) assert.deepEqual(matcher.exec(name)?.slice(), re.exec(name)?.slice(), `${p} on ${JSON.stringify(name)}`);
  }
});

test('the literal every match contains', () => {
  const cases: [string, string | null][] = [
    ['(.*)\\.example\\.com', '.example.com'],
    ['(.*)-(us-west-1)\\.example\\.org', '.example.org'],
    ['(core)\\.(dns)\\.(rocks)\\.(nl)', null],
    ['staging.mydomain.com', 'mydomain'],
    ['abc?def', 'def'],
    ['x{2}yz', 'yz'],
    ['^foo\\.bar$', 'foo.bar'],
    ['(?i)(.*)\\.EXAMPLE\\.com', null],
    ['a|bc', null],
    ['a\\x2ebc', null],
  ];
  for (const [p, want] of cases) assert.equal(requiredLiteral(compilePattern(p)), want, p);
});

test("Go's expression syntax: named groups and leading flags are translated, what JavaScript reads otherwise is refused", () => {
  assert.equal(compileMatcher('(?P<svc>.*)\\.example\\.com').exec('web.example.com.')?.[1], 'web');
  assert.equal(compileMatcher('(?i)^WEB\\.').exec('web.example.com.')?.[0], 'web.');
  for (const p of ['a\\z', '\\Aabc', '(?U)a*', 'a{', '[b-a]']) assert.throws(() => compilePattern(p), /invalid regex pattern|not supported/, p);
});

test('templates substitute the groups an expression has, as CoreDNS', () => {
  const m = /(a)-(b)/.exec('a-b')!;
  const cases: [string, number, string][] = [
    ['{1}.{2}.x.', 2, 'a.b.x.'],
    ['{0}/{1}', 2, 'a-b/a'],
    ['{3}.{1}', 2, '{3}.a'],
    ['{01}.{1}', 2, '{01}.a'],
    ['no groups', 2, 'no groups'],
  ];
  for (const [replacement, groups, want] of cases) assert.equal(fill(compileTemplate(replacement, groups), m), want, replacement);
  assert.equal(fill(compileTemplate('{1}{2}', 2), /(a)|(b)/.exec('b')!), 'b', 'a group that took no part is empty');
});

test('names to wire and back, as core reads and writes them', () => {
  const buf = Buffer.alloc(256);
  for (const name of ['.', 'example.org.', 'a.b.c.d.e.', 'x\\.y.example.', 'sp\\032ace.example.', `${'a'.repeat(63)}.b.`, '_sip._udp.example.']) {
    const len = encodeText(name, buf);
    assert.deepEqual(buf.subarray(0, len), encodeName(name), name);
    assert.equal(wireText(buf, len), readName(buf, 0), name);
  }
  assert.deepEqual(buf.subarray(0, encodeText('no.final.dot', buf)), encodeName('no.final.dot.'));
  for (const bad of ['', 'a..b.', '.a.', `${'a'.repeat(64)}.`, `${'abcdefghi.'.repeat(25)}abcd.`, 'trailing\\']) assert.equal(encodeText(bad, buf), -1, JSON.stringify(bad));
  assert.equal(encodeText(`${'abcdefghi.'.repeat(25)}abc.`, buf), 255, 'a name of 255 bytes is legal');
});
