import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyPluginDefinition, definePlugin } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase, startTestServer } from '@chaindns/core/testing';
import { metadata } from '../src/index.js';

test('metadata setup (CoreDNS TestSetup)', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'metadata', want: ['example.org.', 'example.net.'] },
    { corefile: 'metadata example.com', want: ['example.com.'] },
    { corefile: 'metadata Example.COM. 10.0.0.0/24', want: ['example.com.', '0.0.10.in-addr.arpa.'] },
    { corefile: 'metadata {\n }', error: /Corefile:2: metadata: .*block/ },
    { corefile: 'metadata {\n test\n }', error: /Corefile:2: metadata: .*block/ },
  ];
  await assertSetupCases(t, metadata, cases, { keys: 'example.org example.net', view: (c) => c.zones });
});

test('metadata twice in a block is refused, as CoreDNS does', async () => {
  await assert.rejects(startTestServer('. {\n metadata\n metadata\n}', { plugins: [metadata] }), /Corefile:3: "metadata" may appear only once in a server block/);
});

/** The other directives of the README's examples, parsed loosely (their own packages test them). */
const others = ['log', 'kubernetes', 'view', 'whoami'].map((name) => definePlugin<null>({ name, parse: () => null, setup: () => undefined, ...(name === 'view' ? { view: true } : {}) })) as AnyPluginDefinition[];

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 2);
  for (const corefile of examples) checkCorefile(corefile, [metadata, ...others]);
});
