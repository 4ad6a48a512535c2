import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flag } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { header } from '../src/index.js';

const none = { set: 0, clear: 0 };

test('header setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'header {\n response set ra\n }', want: { query: none, response: { set: Flag.RA, clear: 0 } } },
    { corefile: 'header {\n response set ra aa\n response clear rd\n }', want: { query: none, response: { set: Flag.RA | Flag.AA, clear: Flag.RD } } },
    { corefile: 'header {\n query set rd\n }', want: { query: { set: Flag.RD, clear: 0 }, response: none } },
    { corefile: 'header {\n QUERY Clear RD\n query set rd\n }', want: { query: { set: Flag.RD, clear: 0 }, response: none } },
    { corefile: 'header {\n response clear aa\n query set aa\n }', want: { query: { set: Flag.AA, clear: 0 }, response: { set: 0, clear: Flag.AA } } },
    { corefile: 'header', error: /Corefile:2: header: expected a block with at least one rule/ },
    { corefile: 'header {\n }', error: /Corefile:2: header: expected a block with at least one rule/ },
    { corefile: 'header x {\n query set rd\n }', error: /Corefile:2: header: expected 0 arguments, got 1/ },
    { corefile: 'header {\n reply set ra\n }', error: /Corefile:3: header: invalid selector "reply", should be query or response/ },
    { corefile: 'header {\n query\n }', error: /Corefile:3: header: query: no flag action provided/ },
    { corefile: 'header {\n query toggle rd\n }', error: /Corefile:3: header: query: unknown flag action "toggle", should be set or clear/ },
    { corefile: 'header {\n response set\n }', error: /Corefile:3: header: response: at least one flag should be provided/ },
    { corefile: 'header {\n response set ra cd\n }', error: /Corefile:3: header: response: unknown\/unsupported flag "cd", expected aa, ra or rd/ },
  ];
  await assertSetupCases(t, header, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 3);
  for (const corefile of examples) checkCorefile(corefile, [header]);
});
