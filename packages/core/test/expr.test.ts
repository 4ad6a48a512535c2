import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileExpression, type ExprEnvironment, ExprError, type ExprFunction, type ExprValue, inCidr, queryFunctions } from '../src/expr/index.js';
import { Metadata } from '../src/metadata.js';
import { makeRequest } from '../src/testing/index.js';
import type { Request } from '../src/wire/request.js';

const run = (source: string, env?: ExprEnvironment<unknown>): ExprValue => compileExpression(source, env).evaluate(undefined);

function compileFails(source: string, env?: ExprEnvironment<unknown>): string {
  try {
    compileExpression(source, env);
  } catch (err) {
    assert.ok(err instanceof ExprError, `${source}: ${String(err)}`);
    assert.equal(err.phase, 'compile', source);
    return err.message;
  }
  return assert.fail(`${source}: compiled`);
}

function runFails(source: string, env?: ExprEnvironment<unknown>): string {
  const compiled = compileExpression(source, env);
  try {
    compiled.evaluate(undefined);
  } catch (err) {
    assert.ok(err instanceof ExprError, `${source}: ${String(err)}`);
    assert.equal(err.phase, 'run', source);
    return err.message;
  }
  return assert.fail(`${source}: ran`);
}

test('expr-lang syntax: literals, operators, precedence, word operators', () => {
  const cases: [string, ExprValue][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 % 3', 1],
    ['1 / 4', 0.25],
    ['2 ** 3 ** 2', 512],
    ['2 ^ 10', 1024],
    ['-2 + +3', 1],
    ["'a' + \"b\"", 'ab'],
    ["'it\\'s'", "it's"],
    ["'^abc\\\\.'", '^abc\\.'],
    ['true && false || true', true],
    ['true and false or true', true],
    ['not true', false],
    ['!false', true],
    ['not (1 > 2)', true],
    ['1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3', true],
    ["'abc' < 'abd'", true],
    ['1 == 1 and 1 != 2', true],
    ["'A' in ['A', 'AAAA']", true],
    ["'MX' in ['A', 'AAAA']", false],
    ["'MX' not in ['A', 'AAAA']", true],
    ["[1, 2] in [[1, 2], [3]]", true],
    ["'www.example.org.' matches '^www\\\\.'", true],
    ["'example.org.' matches '^www\\\\.'", false],
    ["'example.org.' contains 'ple'", true],
    ["'example.org.' startsWith 'exa'", true],
    ["'example.org.' endsWith 'org.'", true],
    ['1 > 0 ? "yes" : "no"', 'yes'],
    ['nil == nil', true],
    ['[1, 2, 3][0]', 1],
    ['[1, 2, 3][-1]', 3],
    ["'abc'[1]", 'b'],
    ['[]', []],
  ];
  for (const [source, want] of cases) assert.deepEqual(run(source), want, source);
});

test('built-in functions and predicates', () => {
  const cases: [string, ExprValue][] = [
    ["len('abc')", 3],
    ['len([1, 2])', 2],
    ["lower('AbC')", 'abc'],
    ["upper('abc')", 'ABC'],
    ["trim('  a  ')", 'a'],
    ["trim('xxaxx', 'x')", 'a'],
    ["trimPrefix('www.example.', 'www.')", 'example.'],
    ["trimSuffix('a.example.', '.example.')", 'a'],
    ["hasPrefix('abc', 'ab') && hasSuffix('abc', 'bc')", true],
    ["indexOf('a.b.c', '.')", 1],
    ["lastIndexOf('a.b.c', '.')", 3],
    ["replace('10-0-0-1', '-', '.')", '10.0.0.1'],
    ["split('a.b.c', '.')", ['a', 'b', 'c']],
    ["split('a.b.c', '.', 2)", ['a', 'b.c']],
    ["join(['a', 'b'], '-')", 'a-b'],
    ["int('42') + 1", 43],
    ['int(3.9)', 3],
    ["float('2.5') * 2", 5],
    ['string(12) + "!"', '12!'],
    ["string(['a', 1, true])", '[a 1 true]'],
    ['abs(-2) + ceil(1.2) + floor(1.8) + round(2.5)', 2 + 2 + 1 + 3],
    ['max(3, 7, 5) - min(3, 7, 5)', 4],
    ['first([4, 5]) + last([4, 5])', 9],
    ["any(['10.0.0.0/8', '192.168.0.0/16'], # == '192.168.0.0/16')", true],
    ['all([1, 2, 3], # > 0)', true],
    ['none([1, 2, 3], # > 2)', false],
    ['one([1, 2, 3], # > 2)', true],
    ['count([1, 2, 3], # >= 2)', 2],
    ['filter([1, 2, 3], # != 2)', [1, 3]],
    ['map([1, 2, 3], # * 10)', [10, 20, 30]],
    ['find([1, 2, 3], # > 1)', 2],
    ['findIndex([1, 2, 3], # > 1)', 1],
    // A predicate inside another's body has its own `#`; the outer one gets its own back.
    ['map([1, 2], count([1, 2, 3], # > 1) + #)', [3, 4]],
    ['all([[1, 2], [3]], len(#) > 0 && all(#, # > 0))', true],
  ];
  for (const [source, want] of cases) assert.deepEqual(run(source), want, source);
});

test('names, calls and types are checked when the expression compiles', () => {
  const cases: [string, RegExp][] = [
    ['foo()', /unknown function foo\(\)/],
    ['undefinedName', /unknown name undefinedName/],
    ['len', /len is a function: call it as len\(\.\.\.\)/],
    ["'x' + 1", /mismatched types string and number/],
    ["1 == 'a'", /mismatched types number and string/],
    ["'a' < 1", /mismatched types/],
    ["!'a'", /bool expected/],
    ['1 && true', /bool expected/],
    ["'a' in 'abc'", /needs an array/],
    ["1 matches 'a'", /string expected/],
    ["'a' matches '('", /error parsing regexp/],
    ['1 % 0', /integer divide by zero/],
    ["len('a', 'b')", /takes 1 argument, got 2/],
    ['replace("a")', /takes 3 arguments, got 1/],
    ['lower(1)', /argument 1 must be string, got number/],
    ['any([1], 2)', /predicate must give bool/],
    ['any(1, # > 0)', /argument 1 must be array/],
    ['# > 1', /# is only defined inside a predicate/],
    ["1 ? 'a' : 'b'", /condition of \?: must be bool/],
    ['', /empty expression/],
    ['1 +', /syntax error/],
    ['(1', /syntax error/],
    ['a b', /syntax error|one expression expected/],
    ['1, 2', /one expression expected/],
    ['1; 2', /one expression expected/],
  ];
  for (const [source, want] of cases) assert.match(compileFails(source), want, source);
});

test('hostile input reaches no JavaScript object, no code and no unbounded work', () => {
  // Nothing of JavaScript is reachable: no properties, no prototype, no globals, no code.
  const refused = [
    'constructor',
    '__proto__',
    'this',
    'globalThis',
    'process',
    'eval("1")',
    'Function("return 1")()',
    "'abc'.length",
    "'abc'.constructor.constructor('return process')()",
    "[]['constructor']",
    "'a'['length']",
    "lower.call(1)",
    'x = 1',
    'a => 1',
    '`template`',
    '/regex/',
    '{a: 1}',
    'new Date()',
    'typeof 1',
    '1 | 2',
    '1 & 2',
    '~1',
    '1 === 1',
    '1 >> 1',
    '"a" ?? "b"',
    'null',
    'undefined',
    'toString()',
    'hasOwnProperty("x")',
    'valueOf()',
  ];
  for (const source of refused) compileFails(source);
  // Sizes and depths are bounded when the expression compiles.
  assert.match(compileFails('1'.repeat(10001)), /too long/);
  assert.match(compileFails('!'.repeat(300) + 'true'), /nested too deeply/);
  assert.match(compileFails('('.repeat(4000) + '1' + ')'.repeat(4000)), /nested too deeply/);
  assert.match(compileFails('1' + ' + 1'.repeat(2000)), /nested too deeply/);
  assert.equal(run('!'.repeat(200) + 'true'), true);
  // `matches` runs RE2: a pattern that backtracks exponentially in JavaScript stays linear.
  const name = `${'a'.repeat(5000)}!`;
  const env: ExprEnvironment<unknown> = { functions: new Map([['name', fn([], 'string', () => name)]]) };
  const started = process.hrtime.bigint();
  assert.equal(run("name() matches '^(a+)+$'", env), false);
  assert.ok(process.hrtime.bigint() - started < 2_000_000_000n, 'RE2 time');
});

function fn(params: ExprFunction<unknown>['params'], returns: ExprFunction<unknown>['returns'], call: (...args: ExprValue[]) => ExprValue): ExprFunction<unknown> {
  return { params, returns, call: (_ctx, ...args) => call(...args) };
}

test('a failure when it runs is an ExprError, never a crash', () => {
  const bad = (v: unknown) => fn([], 'any', () => v as ExprValue);
  const env: ExprEnvironment<unknown> = {
    functions: new Map([
      ['text', fn([], 'any', () => 'abc')],
      ['number', fn([], 'any', () => 1)],
      ['throws', fn([], 'string', () => { throw new TypeError('boom'); })],
      ['lies', fn([], 'string', () => 1)],
      ['undef', bad(undefined)],
      ['big', fn([], 'any', () => Array.from({ length: 3 }, (_v, i) => i))],
    ]),
    variables: new Map([['v', { type: 'any', get: () => 'abc' }]]),
  };
  const cases: [string, RegExp][] = [
    ['text() + number()', /mismatched types string and number/],
    ['text() && true', /bool expected/],
    ['number() > text()', /mismatched types/],
    ['number() in text()', /needs an array/],
    ["int('x1')", /int: invalid syntax/],
    ["float('1x')", /float: invalid syntax/],
    ['[1][5]', /index out of range/],
    ['big()[1.5]', /cannot index/],
    ['throws()', /boom/],
    ['lies()', /returned number, not string/],
    ['v matches number()', /string expected/],
    ['number() ? 1 : 2', /condition of \?: must be bool/],
    ['any(text(), true)', /must be array/],
    ['all(big(), # == 1 ? true : number())', /predicate must give bool/],
    ['len(number())', /len: invalid argument/],
  ];
  for (const [source, want] of cases) assert.match(runFails(source, env), want, source);
  // undefined from a caller's function is no value: `any` lets it through, and nothing breaks.
  assert.equal(run('undef() == nil', env), false);
});

test('variables and functions of the caller, which shadow built-ins', () => {
  interface Ctx {
    readonly n: number;
  }
  const env: ExprEnvironment<Ctx> = {
    functions: new Map<string, ExprFunction<Ctx>>([['type', { params: [], returns: 'string', call: () => 'AAAA' }], ['double', { params: ['number'], returns: 'number', call: (ctx, x) => (x as number) * 2 + ctx.n * 0 }]]),
    variables: new Map([['n', { type: 'number', get: (ctx: Ctx) => ctx.n }]]),
  };
  const c = compileExpression("type() == 'AAAA' && double(n) == 8", env);
  assert.equal(c.type, 'bool');
  assert.equal(c.evaluate({ n: 4 }), true);
  assert.equal(c.evaluate({ n: 5 }), false);
  assert.match(compileFails("n + 'x'", env as ExprEnvironment<unknown>), /mismatched types number and string/);
});

test('incidr as Go: IPv4 networks hold IPv4 (also IPv4-mapped) addresses, IPv6 networks IPv6 ones', () => {
  const cases: [string, string, boolean | RegExp][] = [
    ['10.0.0.1', '10.0.0.0/8', true],
    ['11.0.0.1', '10.0.0.0/8', false],
    ['127.0.0.1', '127.0.0.0/24', true],
    ['192.168.1.1', '192.168.0.0/16', true],
    ['0.0.0.0', '0.0.0.0/0', true],
    ['::ffff:10.1.2.3', '10.0.0.0/8', true],
    ['::1', '::1/128', true],
    ['::2', '::1/128', false],
    ['2001:db8::1', '2001:0DB8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['fe80::1:2:3:4', 'fe80::/10', true],
    ['10.0.0.1', '::/0', false],
    ['::1', '0.0.0.0/0', false],
    ['10.0.0.1', '::ffff:10.0.0.0/104', false],
    ['1.2.3.4', '1.2.3.4/32', true],
    ['notanip', '10.0.0.0/8', /not an IP address/],
    ['[::1]', '::1/128', /not an IP address/],
    ['fe80::1%eth0', 'fe80::/10', /not an IP address/],
    ['10.0.0.1', '10.0.0.0', /invalid CIDR/],
    ['10.0.0.1', '10.0.0.0/33', /invalid CIDR/],
    ['10.0.0.1', '10.0.0/8', /invalid CIDR/],
    ['10.0.0.1', 'x/8', /invalid CIDR/],
    ['::1', '::/129', /invalid CIDR/],
  ];
  for (const [ip, cidr, want] of cases) {
    if (typeof want === 'boolean') assert.equal(inCidr(ip, cidr), want, `${ip} in ${cidr}`);
    else assert.throws(() => inCidr(ip, cidr), (err: unknown) => err instanceof ExprError && want.test(err.message), `${ip} in ${cidr}`);
  }
});

test("CoreDNS's query functions read the Request", () => {
  const env: ExprEnvironment<Request> = { functions: queryFunctions((r: Request) => r) };
  const udp = makeRequest('WWW.Example.org.', 'AAAA', { remote: { address: '::1', port: 5353, family: 6 }, edns: { udpSize: 1232, do: true }, id: 4242 });
  udp.local = { address: '::', port: 1053 };
  const tcp = makeRequest('example.org.', 'TXT', { transport: 'tcp', remote: { address: '10.0.0.7', port: 40000, family: 4 } });
  const value = (source: string, req: Request): ExprValue => compileExpression(source, env).evaluate(req);
  const cases: [string, Request, ExprValue][] = [
    ['name()', udp, 'www.example.org.'],
    ['type()', udp, 'AAAA'],
    ['class()', udp, 'IN'],
    ['proto()', udp, 'udp'],
    ['proto()', tcp, 'tcp'],
    ['client_ip()', udp, '::1'],
    ['port()', udp, '5353'],
    ['id()', udp, 4242],
    ['opcode()', udp, 0],
    ['do()', udp, true],
    ['do()', tcp, false],
    ['bufsize()', udp, 1232],
    ['bufsize()', tcp, 65535],
    ['size()', udp, udp.msg.length],
    ['server_ip()', udp, '::'],
    ['server_port()', udp, '1053'],
    ["incidr(client_ip(), '10.0.0.0/24')", tcp, true],
    ["incidr(client_ip(), '::1/128')", udp, true],
    ["type() in ['A', 'AAAA']", udp, true],
    ["name() matches '^www\\\\.'", udp, true],
    ["metadata('test/region')", udp, ''],
  ];
  for (const [source, req, want] of cases) assert.deepEqual(value(source, req), want, source);
  udp.metadata = new Metadata([{ metadata: (_r, label) => (label === 'test/region' ? 'eu' : undefined) }], udp);
  assert.equal(value("metadata('test/region') == 'eu'", udp), true);
  assert.equal(value("metadata('test/other')", udp), '');
  // No bare function values: the query's facts are calls.
  assert.match(compileFails('name', env as ExprEnvironment<unknown>), /name is a function/);
});
