import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTHORS, VERSION } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { chaos } from '../src/index.js';

test('chaos setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'chaos', want: { version: `chaindns-${VERSION}`, authors: AUTHORS } },
    { corefile: 'chaos CoreDNS-001', want: { version: 'CoreDNS-001', authors: AUTHORS } },
    { corefile: 'chaos CoreDNS-001 info@coredns.io', want: { version: 'CoreDNS-001', authors: ['info@coredns.io'] } },
    { corefile: 'chaos v1 zed amy zed', want: { version: 'v1', authors: ['amy', 'zed'] } },
    { corefile: `chaos ${'v'.repeat(300)}`, want: { version: 'v'.repeat(255), authors: AUTHORS } },
    { corefile: 'chaos v1 {\n  x\n }', error: /Corefile:2: chaos: takes no block/ },
  ];
  await assertSetupCases(t, chaos, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 2);
  for (const corefile of examples) checkCorefile(corefile, [chaos]);
});
