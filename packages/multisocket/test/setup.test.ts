import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { multisocket } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('multisocket setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'multisocket', want: { sockets: 'auto' } },
    { line: 'multisocket 5', want: { sockets: 5 } },
    { line: 'multisocket 1024', want: { sockets: 1024 } },
    { line: 'multisocket 0', error: /Corefile:2: multisocket: 0 is out of range: expected 1 to 1024/ },
    { line: 'multisocket 1025', error: /Corefile:2: multisocket: 1025 is out of range: expected 1 to 1024/ },
    { line: 'multisocket many', error: /Corefile:2: multisocket: expected an integer, got "many"/ },
    { line: 'multisocket 2 3', error: /Corefile:2: multisocket: expected 0 to 1 arguments, got 2/ },
    { line: 'multisocket 2 {\n  x\n }', error: /Corefile:2: multisocket/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => multisocket.parse(d, ctx), c.error);
      else assert.deepEqual(multisocket.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [multisocket]);
});
