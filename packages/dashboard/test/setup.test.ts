import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { dashboard } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('dashboard setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'dashboard', want: {} },
    { line: 'dashboard extra', error: /Corefile:2: dashboard: expected 0 arguments, got 1/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => dashboard.parse(d, ctx), c.error);
      else assert.deepEqual(dashboard.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [dashboard]);
});
