import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dig, readmeCorefiles, startTestServer } from '@chaindns/core/testing';
import { chaos } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1} answers dig's CH TXT queries, over UDP and TCP`, async () => {
    const s = await startTestServer(corefile, { plugins: [chaos] });
    try {
      for (const transport of ['+notcp', '+tcp']) {
        const version = await dig(s.port, transport, '-c', 'CH', '-t', 'TXT', '-q', 'version.bind');
        assert.match(version, /^version\.bind\.\s+0\s+CH\s+TXT\s+"CoreDNS-001"$/m);
        const authors = await dig(s.port, transport, '-c', 'CH', '-t', 'TXT', '-q', 'authors.bind');
        assert.match(authors, /^authors\.bind\.\s+0\s+CH\s+TXT\s+"info@coredns\.io"$/m);
        assert.match(await dig(s.port, transport, '-c', 'CH', '-t', 'TXT', '-q', 'id.server'), /^id\.server\.\s+0\s+CH\s+TXT\s+"[^"]+"$/m);
      }
    } finally {
      await s.stop();
    }
  });
}
