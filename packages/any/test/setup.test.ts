import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { any } from '../src/index.js';

test('any setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'any', want: {} },
    { corefile: 'any extra', error: /Corefile:2: any: expected 0 arguments, got 1/ },
  ];
  await assertSetupCases(t, any, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [any]);
});
