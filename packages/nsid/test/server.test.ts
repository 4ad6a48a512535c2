import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dig, readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { nsid } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/** Stands in for the README's `whoami` (a plugin may not import another): an A record for every query. */
const whoami = standIn('whoami');

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1}: dig +nsid sees the NSID, dig without it does not, over UDP and TCP`, async () => {
    const s = await startTestServer(corefile, { plugins: [nsid, whoami] });
    try {
      for (const transport of ['+notcp', '+tcp']) {
        const out = await dig(s.port, transport, '+nsid', 'a', 'whoami.example.org');
        assert.match(out, /^; NSID: 55 73 65 20 54 68 65 20 46 6f 72 63 65 \("Use The Force"\)$/m);
        assert.match(out, /^whoami\.example\.org\.\s+0\s+IN\s+A\s+192\.0\.2\.1$/m);
        assert.doesNotMatch(await dig(s.port, transport, 'a', 'whoami.example.org'), /NSID/);
      }
    } finally {
      await s.stop();
    }
  });
}
