import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flag, parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { header } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const none = { set: 0, clear: 0 };

test('header setup', async (t) => {
  const cases: { text: string; want?: object; error?: RegExp }[] = [
    { text: 'header {\n response set ra\n }', want: { query: none, response: { set: Flag.RA, clear: 0 } } },
    { text: 'header {\n response set ra aa\n response clear rd\n }', want: { query: none, response: { set: Flag.RA | Flag.AA, clear: Flag.RD } } },
    { text: 'header {\n query set rd\n }', want: { query: { set: Flag.RD, clear: 0 }, response: none } },
    { text: 'header {\n QUERY Clear RD\n query set rd\n }', want: { query: { set: Flag.RD, clear: 0 }, response: none } },
    { text: 'header {\n response clear aa\n query set aa\n }', want: { query: { set: Flag.AA, clear: 0 }, response: { set: 0, clear: Flag.AA } } },
    { text: 'header', error: /Corefile:2: header: expected a block with at least one rule/ },
    { text: 'header {\n }', error: /Corefile:2: header: expected a block with at least one rule/ },
    { text: 'header x {\n query set rd\n }', error: /Corefile:2: header: expected 0 arguments, got 1/ },
    { text: 'header {\n reply set ra\n }', error: /Corefile:3: header: invalid selector "reply", should be query or response/ },
    { text: 'header {\n query\n }', error: /Corefile:3: header: query: no flag action provided/ },
    { text: 'header {\n query toggle rd\n }', error: /Corefile:3: header: query: unknown flag action "toggle", should be set or clear/ },
    { text: 'header {\n response set\n }', error: /Corefile:3: header: response: at least one flag should be provided/ },
    { text: 'header {\n response set ra cd\n }', error: /Corefile:3: header: response: unknown\/unsupported flag "cd", expected aa, ra or rd/ },
  ];
  for (const c of cases) {
    await t.test(c.text, () => {
      const d = parseCorefile(`. {\n ${c.text}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => header.parse(d, ctx), c.error);
      else assert.deepEqual(header.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 3);
  for (const corefile of examples) checkCorefile(corefile, [header]);
});
