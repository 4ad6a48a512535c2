import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { any } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/** Stands in for the README's `whoami` (a plugin may not import another): an A record for every query. */
const whoami = standIn('whoami');

/** Real dig, asynchronously: the server answers from this process's event loop. */
async function dig(port: number, ...args: string[]): Promise<string> {
  return (await promisify(execFile)('dig', ['@127.0.0.1', '-p', String(port), '+time=2', '+tries=1', '+nocmd', '+noall', '+answer', ...args], { encoding: 'utf8' })).stdout;
}

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1}: dig ANY gets the HINFO, other types go on, over UDP and TCP`, async () => {
    const s = await startTestServer(corefile, { plugins: [any, whoami] });
    try {
      for (const transport of ['+notcp', '+tcp']) {
        assert.match(await dig(s.port, transport, 'ANY', 'example.org'), /^example\.org\.\s+8482\s+IN\s+HINFO\s+"ANY obsoleted" "See RFC 8482"$/m);
        assert.match(await dig(s.port, transport, 'A', 'example.org'), /^example\.org\.\s+0\s+IN\s+A\s+192\.0\.2\.1$/m);
      }
    } finally {
      await s.stop();
    }
  });
}
