import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { loop } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('loop setup', async (t) => {
  const cases: { corefile: string; error?: RegExp }[] = [
    { corefile: '. {\n loop\n}' },
    { corefile: '. {\n loop 3\n}', error: /Corefile:2: loop: expected 0 arguments, got 1/ },
    { corefile: '. {\n loop {\n  max 3\n }\n}', error: /Corefile:2: loop: takes no block/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(c.corefile).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => loop.parse(d, ctx), c.error);
      else assert.equal(loop.parse(d, ctx), null);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [loop]);
});
