import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { bufsize } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('bufsize setup', async (t) => {
  const cases: { line: string; size?: number; error?: RegExp }[] = [
    { line: 'bufsize', size: 1232 },
    { line: 'bufsize 512', size: 512 },
    { line: 'bufsize 4096', size: 4096 },
    { line: 'bufsize 511', error: /Corefile:2: bufsize: SIZE must be an integer from 512 to 4096, got "511"$/ },
    { line: 'bufsize 4097', error: /Corefile:2: bufsize: SIZE must be an integer from 512 to 4096, got "4097"$/ },
    { line: 'bufsize 1k', error: /got "1k"/ },
    { line: 'bufsize 1232 1232', error: /Corefile:2: bufsize: expected 0 to 1 arguments, got 2$/ },
    { line: 'bufsize {\n  x\n }', error: /Corefile:2: bufsize: takes no block$/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => bufsize.parse(d, ctx), c.error);
      else assert.deepEqual(bufsize.parse(d, ctx), { size: c.size });
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 2);
  for (const corefile of examples) checkCorefile(corefile, [bufsize]);
});
