import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { local } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('local setup', async (t) => {
  const cases: { text: string; want?: object; error?: RegExp }[] = [
    { text: 'local', want: { localhostPrefix: true } },
    { text: 'local {\n }', want: { localhostPrefix: true } },
    { text: 'local {\n localhost_prefix on\n }', want: { localhostPrefix: true } },
    { text: 'local {\n localhost_prefix off\n }', want: { localhostPrefix: false } },
    { text: 'local extra', error: /Corefile:2: local: expected 0 arguments, got 1/ },
    { text: 'local {\n localhost_prefix\n }', error: /Corefile:3: local: localhost_prefix: expected 1 argument, got 0/ },
    { text: 'local {\n localhost_prefix on off\n }', error: /Corefile:3: local: localhost_prefix: expected 1 argument, got 2/ },
    { text: 'local {\n localhost_prefix maybe\n }', error: /Corefile:3: local: localhost_prefix: expected one of on, off, got "maybe"/ },
    { text: 'local {\n frobnicate\n }', error: /Corefile:3: local: unknown property "frobnicate"/ },
  ];
  for (const c of cases) {
    await t.test(c.text, () => {
      const d = parseCorefile(`. {\n ${c.text}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => local.parse(d, ctx), c.error);
      else assert.deepEqual(local.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [local]);
});
