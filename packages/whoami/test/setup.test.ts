import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { whoami } from '../src/index.js';

test('whoami setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: '. {\n whoami\n}', want: null },
    { corefile: '. {\n whoami example.org\n}', error: /Corefile:2: whoami: expected 0 arguments, got 1/ },
    { corefile: '. {\n whoami {\n  foo\n }\n}', error: /Corefile:2: whoami: takes no block/ },
  ];
  await assertSetupCases(t, whoami, cases, { keys: null });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [whoami]);
});
