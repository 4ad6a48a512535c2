import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { debug } from '../src/index.js';

test('debug setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'debug', want: {} },
    // CoreDNS's debug_test.go: `debug off` is an error.
    { corefile: 'debug off', error: /Corefile:2: debug: expected 0 arguments, got 1/ },
    { corefile: 'debug {\n  off\n }', error: /Corefile:2: debug: takes no block/ },
  ];
  await assertSetupCases(t, debug, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [debug]);
});
