import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { debug } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('debug setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'debug', want: {} },
    // CoreDNS's debug_test.go: `debug off` is an error.
    { line: 'debug off', error: /Corefile:2: debug: expected 0 arguments, got 1/ },
    { line: 'debug {\n  off\n }', error: /Corefile:2: debug: takes no block/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => debug.parse(d, ctx), c.error);
      else assert.deepEqual(debug.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [debug]);
});
