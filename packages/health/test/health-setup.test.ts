import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { health, type HealthConfig, ready } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const parse = (text: string) => health.parse(parseCorefile(text).blocks[0]!.directives[0]!, ctx);

test('health parses an address and a lameduck', async (t) => {
  const cases: { corefile: string; want?: HealthConfig; error?: RegExp }[] = [
    { corefile: '. {\n health\n}', want: { address: { host: '', port: 8080 }, lameduckMs: 0 } },
    { corefile: '. {\n health localhost:8091\n}', want: { address: { host: 'localhost', port: 8091 }, lameduckMs: 0 } },
    { corefile: '. {\n health [::1]:8080 {\n  lameduck 5s\n }\n}', want: { address: { host: '::1', port: 8080 }, lameduckMs: 5000 } },
    { corefile: '. {\n health {\n  lameduck 1m30s\n }\n}', want: { address: { host: '', port: 8080 }, lameduckMs: 90_000 } },
    { corefile: '. {\n health :8080 {\n }\n}', want: { address: { host: '', port: 8080 }, lameduckMs: 0 } },
    { corefile: '. {\n health :8080 :8081\n}', error: /Corefile:2: health: expected 0 to 1 arguments, got 2/ },
    { corefile: '. {\n health 8080\n}', error: /Corefile:2: health: address "8080" has no port/ },
    { corefile: '. {\n health {\n  lameduck\n }\n}', error: /Corefile:3: health: lameduck: expected 1 argument, got 0/ },
    { corefile: '. {\n health {\n  lameduck 5\n }\n}', error: /Corefile:3: health: lameduck: expected a duration such as 5s, 1m or 250ms, got "5"/ },
    { corefile: '. {\n health {\n  lameduck 1s 2s\n }\n}', error: /Corefile:3: health: lameduck: expected 1 argument, got 2/ },
    { corefile: '. {\n health {\n  lameduck 1s\n  lameduck 2s\n }\n}', error: /Corefile:4: health: "lameduck" given more than once/ },
    { corefile: '. {\n health {\n  path /healthz\n }\n}', error: /Corefile:3: health: unknown property "path", expected one of: lameduck/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      if (c.error) assert.throws(() => parse(c.corefile), c.error);
      else assert.deepEqual(parse(c.corefile), c.want);
    });
  }
});

test('health may appear once per server block', () => {
  assert.equal(health.combine, undefined);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 4);
  for (const corefile of examples) checkCorefile(corefile, [health, ready]);
});
