import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { nsid } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('nsid setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'nsid', want: { data: hostname() || 'localhost' } },
    { line: 'nsid "ps0"', want: { data: 'ps0' } },
    { line: 'nsid "tf 2"', want: { data: 'tf 2' } },
    { line: 'nsid Use The Force', want: { data: 'Use The Force' } },
    { line: `nsid ${'x'.repeat(65001)}`, error: /Corefile:2: nsid: DATA is 65001 bytes, at most 65000 fit in a DNS message/ },
    { line: 'nsid x {\n }', error: /Corefile:2: nsid: takes no block/ },
  ];
  for (const c of cases) {
    await t.test(c.line.slice(0, 40), () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => nsid.parse(d, ctx), c.error);
      else assert.deepEqual(nsid.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [nsid]);
});
