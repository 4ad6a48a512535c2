import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dig, readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { any } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/** Stands in for the README's `whoami` (a plugin may not import another): an A record for every query. */
const whoami = standIn('whoami');

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1}: dig ANY gets the HINFO, other types go on, over UDP and TCP`, async () => {
    const s = await startTestServer(corefile, { plugins: [any, whoami] });
    try {
      for (const transport of ['+notcp', '+tcp']) {
        assert.match(await dig(s.port, '+nocmd', '+noall', '+answer', transport, 'ANY', 'example.org'), /^example\.org\.\s+8482\s+IN\s+HINFO\s+"ANY obsoleted" "See RFC 8482"$/m);
        assert.match(await dig(s.port, '+nocmd', '+noall', '+answer', transport, 'A', 'example.org'), /^example\.org\.\s+0\s+IN\s+A\s+192\.0\.2\.1$/m);
      }
    } finally {
      await s.stop();
    }
  });
}
