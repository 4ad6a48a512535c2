import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyPluginDefinition, definePlugin, parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles, startTestServer } from '@chaindns/core/testing';
import { metadata } from '../src/index.js';

const ctx = { zones: ['example.org.', 'example.net.'], port: 53, warn: () => {} };

test('metadata setup (CoreDNS TestSetup)', async (t) => {
  const cases: { line: string; zones?: string[]; error?: RegExp }[] = [
    { line: 'metadata', zones: ['example.org.', 'example.net.'] },
    { line: 'metadata example.com', zones: ['example.com.'] },
    { line: 'metadata Example.COM. 10.0.0.0/24', zones: ['example.com.', '0.0.10.in-addr.arpa.'] },
    { line: 'metadata {\n }', error: /Corefile:2: metadata: .*block/ },
    { line: 'metadata {\n test\n }', error: /Corefile:2: metadata: .*block/ },
  ];
  for (const c of cases) {
    await t.test(c.line.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) return assert.throws(() => metadata.parse(d, ctx), c.error);
      assert.deepEqual(metadata.parse(d, ctx).zones, c.zones);
    });
  }
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
