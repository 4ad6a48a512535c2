import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { loop } from '../src/index.js';

test('loop setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: '. {\n loop\n}', want: null },
    { corefile: '. {\n loop 3\n}', error: /Corefile:2: loop: expected 0 arguments, got 1/ },
    { corefile: '. {\n loop {\n  max 3\n }\n}', error: /Corefile:2: loop: takes no block/ },
  ];
  await assertSetupCases(t, loop, cases, { keys: null });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [loop]);
});
