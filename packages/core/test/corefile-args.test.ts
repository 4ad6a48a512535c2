import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Directive, eachSubdirective, expectArgs, expectNoBlock, normalizeZone, parseChoice, parseCorefile, parseDuration, parseInteger, parseZones } from '../src/index.js';

/** A plugin-like parse of the first directive of `text`, written as plugins write theirs (no names passed by hand). */
function parseFirst(text: string): void {
  const d = parseCorefile(text).blocks[0]!.directives[0]!;
  const one = (sub: Directive) => expectArgs(sub, 1, 1)[0]!;
  parseZones(d.args.filter((t) => t.text !== 'x'), ['.']);
  eachSubdirective(d, {
    ttl: (sub) => parseInteger(one(sub), 0, 3600),
    timeout: (sub) => parseDuration(one(sub), { min: 1000 }),
    pods: (sub) => parseChoice(one(sub), ['disabled', 'insecure']),
    fallthrough: (sub) => expectArgs(sub, 0).flatMap(normalizeZone),
    flag: (sub) => expectNoBlock(sub),
    tls: (sub) => eachSubdirective(sub, { port: (p) => parseInteger(one(p)) }),
  });
}

test('argument errors name the directive and the property, with file:line', async (t) => {
  const cases = [
    { text: '. {\n kubernetes {\n  ttl abc\n }\n}', error: 'Corefile:3: kubernetes: ttl: expected an integer, got "abc"' },
    { text: '. {\n kubernetes {\n  ttl 3601\n }\n}', error: 'Corefile:3: kubernetes: ttl: 3601 is out of range: expected 0 to 3600' },
    { text: '. {\n kubernetes {\n  ttl\n }\n}', error: 'Corefile:3: kubernetes: ttl: expected 1 argument, got 0' },
    { text: '. {\n forward {\n  timeout soon\n }\n}', error: 'Corefile:3: forward: timeout: expected a duration such as 5s, 1m or 250ms, got "soon"' },
    { text: '. {\n forward {\n  timeout 1ms\n }\n}', error: 'Corefile:3: forward: timeout: duration 1ms is below the minimum of 1000ms' },
    { text: '. {\n kubernetes {\n  pods bogus\n }\n}', error: 'Corefile:3: kubernetes: pods: expected one of disabled, insecure, got "bogus"' },
    { text: '. {\n kubernetes {\n  fallthrough exa:mple.org\n }\n}', error: 'Corefile:3: kubernetes: fallthrough: "exa:mple.org" is not a valid zone' },
    { text: '. {\n kubernetes {\n  flag {\n  }\n }\n}', error: 'Corefile:3: kubernetes: flag: takes no block' },
    { text: '. {\n cache 10.0.0.0/33\n}', error: 'Corefile:2: cache: "10.0.0.0/33" is not a valid CIDR' },
    { text: '. {\n cache {\n  negative 10\n }\n}', error: 'Corefile:3: cache: unknown property "negative", expected one of: ttl, timeout, pods, fallthrough, flag, tls' },
    { text: '. {\n forward {\n  tls {\n   port many\n  }\n }\n}', error: 'Corefile:4: forward: tls: port: expected an integer, got "many"' },
    { text: '. {\n forward {\n  tls {\n   cert x\n  }\n }\n}', error: 'Corefile:4: forward: tls: unknown property "cert", expected one of: port' },
    { text: '(s) {\n kubernetes {\n  ttl x1\n }\n}\n. {\n import s\n}', error: 'Corefile:3: kubernetes: ttl: expected an integer, got "x1"' },
    { text: '. {\n {$NAME} {\n  ttl abc\n }\n}', error: 'Corefile:3: kubernetes: ttl: expected an integer' },
  ];
  process.env.CHAINDNS_ARGS_TEST_NAME = 'kubernetes';
  const text = (c: (typeof cases)[number]) => c.text.replace('{$NAME}', '{$CHAINDNS_ARGS_TEST_NAME}');
  try {
    for (const c of cases) {
      await t.test(c.error, () => assert.throws(() => parseFirst(text(c)), (err: Error) => err.message.startsWith(c.error) || assert.fail(err.message)));
    }
  } finally {
    delete process.env.CHAINDNS_ARGS_TEST_NAME;
  }
});
