import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { nsid } from '../src/index.js';

test('nsid setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'nsid', want: { data: hostname() || 'localhost' } },
    { corefile: 'nsid "ps0"', want: { data: 'ps0' } },
    { corefile: 'nsid "tf 2"', want: { data: 'tf 2' } },
    { corefile: 'nsid Use The Force', want: { data: 'Use The Force' } },
    { corefile: `nsid ${'x'.repeat(65001)}`, error: /Corefile:2: nsid: DATA is 65001 bytes, at most 65000 fit in a DNS message/ },
    { corefile: 'nsid x {\n }', error: /Corefile:2: nsid: takes no block/ },
  ];
  await assertSetupCases(t, nsid, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [nsid]);
});
