import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { whoami } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('whoami setup', async (t) => {
  const cases: { corefile: string; error?: RegExp }[] = [
    { corefile: '. {\n whoami\n}' },
    { corefile: '. {\n whoami example.org\n}', error: /Corefile:2: whoami: expected 0 arguments, got 1/ },
    { corefile: '. {\n whoami {\n  foo\n }\n}', error: /Corefile:2: whoami: takes no block/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(c.corefile).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => whoami.parse(d, ctx), c.error);
      else assert.equal(whoami.parse(d, ctx), null);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [whoami]);
});
