import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { local } from '../src/index.js';

test('local setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'local', want: { localhostPrefix: true } },
    { corefile: 'local {\n }', want: { localhostPrefix: true } },
    { corefile: 'local {\n localhost_prefix on\n }', want: { localhostPrefix: true } },
    { corefile: 'local {\n localhost_prefix off\n }', want: { localhostPrefix: false } },
    { corefile: 'local extra', error: /Corefile:2: local: expected 0 arguments, got 1/ },
    { corefile: 'local {\n localhost_prefix\n }', error: /Corefile:3: local: localhost_prefix: expected 1 argument, got 0/ },
    { corefile: 'local {\n localhost_prefix on off\n }', error: /Corefile:3: local: localhost_prefix: expected 1 argument, got 2/ },
    { corefile: 'local {\n localhost_prefix maybe\n }', error: /Corefile:3: local: localhost_prefix: expected one of on, off, got "maybe"/ },
    { corefile: 'local {\n frobnicate\n }', error: /Corefile:3: local: unknown property "frobnicate"/ },
  ];
  await assertSetupCases(t, local, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [local]);
});
