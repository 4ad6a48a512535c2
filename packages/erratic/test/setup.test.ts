import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { erratic } from '../src/index.js';

const ctx = { zones: ['example.org.'], port: 53, warn: () => {} };
const none = { drop: 0, truncate: 0, delay: 0, duration: 0, large: false };

test('erratic setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'erratic', want: { ...none, drop: 2 } },
    { line: 'erratic {\n drop 3\n}', want: { ...none, drop: 3 } },
    { line: 'erratic {\n drop\n}', want: { ...none, drop: 2 } },
    { line: 'erratic {\n drop 0\n}', want: none },
    { line: 'erratic {\n delay\n}', want: { ...none, delay: 2, duration: 100 } },
    { line: 'erratic {\n delay 3 50ms\n}', want: { ...none, delay: 3, duration: 50 } },
    { line: 'erratic {\n delay 3 5ms\n truncate 5\n}', want: { ...none, delay: 3, duration: 5, truncate: 5 } },
    { line: 'erratic {\n truncate\n}', want: { ...none, truncate: 2 } },
    { line: 'erratic {\n drop 2\n truncate 2\n}', want: { ...none, drop: 2, truncate: 2 } },
    { line: 'erratic {\n large\n}', want: { ...none, drop: 2, large: true } },
    { line: 'erratic 1', error: /Corefile:2: erratic: expected 0 arguments, got 1/ },
    { line: 'erratic {\n drop -1\n}', error: /Corefile:3: erratic: drop: / },
    { line: 'erratic {\n drop 1 2\n}', error: /Corefile:3: erratic: drop: expected 0 to 1 arguments, got 2/ },
    { line: 'erratic {\n delay 1 2 3\n}', error: /Corefile:3: erratic: delay: expected 0 to 2 arguments, got 3/ },
    { line: 'erratic {\n delay 1 soon\n}', error: /Corefile:3: erratic: delay: expected a duration/ },
    { line: 'erratic {\n truncate x\n}', error: /Corefile:3: erratic: truncate: / },
    { line: 'erratic {\n flaky\n}', error: /Corefile:3: erratic: unknown property "flaky"/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`example.org {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => erratic.parse(d, ctx), c.error);
      else assert.deepEqual(erratic.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [erratic]);
});
