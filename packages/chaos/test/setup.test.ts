import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTHORS, parseCorefile, VERSION } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { chaos } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('chaos setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'chaos', want: { version: `chaindns-${VERSION}`, authors: AUTHORS } },
    { line: 'chaos CoreDNS-001', want: { version: 'CoreDNS-001', authors: AUTHORS } },
    { line: 'chaos CoreDNS-001 info@coredns.io', want: { version: 'CoreDNS-001', authors: ['info@coredns.io'] } },
    { line: 'chaos v1 zed amy zed', want: { version: 'v1', authors: ['amy', 'zed'] } },
    { line: `chaos ${'v'.repeat(300)}`, want: { version: 'v'.repeat(255), authors: AUTHORS } },
    { line: 'chaos v1 {\n  x\n }', error: /Corefile:2: chaos: takes no block/ },
  ];
  for (const c of cases) {
    await t.test(c.line.slice(0, 40), () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => chaos.parse(d, ctx), c.error);
      else assert.deepEqual(chaos.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 2);
  for (const corefile of examples) checkCorefile(corefile, [chaos]);
});
