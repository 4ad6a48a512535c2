import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { minimal } from '../src/index.js';

test('minimal setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'minimal', want: {} },
    { corefile: 'minimal extra', error: /Corefile:2: minimal: expected 0 arguments, got 1/ },
  ];
  await assertSetupCases(t, minimal, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [minimal]);
});
