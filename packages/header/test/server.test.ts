import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dig, readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { header } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/** Answers after header: 192.0.2.1 when the query it sees asks for recursion, 192.0.2.0 when not. */
const answer = standIn('answer', (req) => ({ answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: req.rd ? '192.0.2.1' : '192.0.2.0' }] }));

/** Per README example: the flags dig shows with RD asked and not, and the address (what the answering plugin saw). */
const want: readonly { rd: [string, string]; norecurse: [string, string] }[] = [
  { rd: ['qr rd ra', '192.0.2.1'], norecurse: ['qr ra', '192.0.2.0'] },
  { rd: ['qr aa ra', '192.0.2.1'], norecurse: ['qr aa ra', '192.0.2.0'] },
  { rd: ['qr rd', '192.0.2.1'], norecurse: ['qr rd', '192.0.2.1'] },
];

for (const [i, example] of examples.entries()) {
  test(`README example ${i + 1}: dig sees the flags rewritten, the next plugin the query rewritten, over UDP and TCP`, async () => {
    const s = await startTestServer(example.replace(/}\s*$/, '    answer\n}\n'), { plugins: [header, answer] });
    try {
      for (const transport of ['+notcp', '+tcp']) {
        for (const [flag, [flags, address]] of [['+recurse', want[i]!.rd], ['+norecurse', want[i]!.norecurse]] as const) {
          const out = await dig(s.port, transport, flag, 'example.org', 'A');
          assert.match(out, new RegExp(`^;; flags: ${flags}; QUERY`, 'm'), `${transport} ${flag}`);
          assert.match(out, new RegExp(`^example\\.org\\.\\s+0\\s+IN\\s+A\\s+${address.replaceAll('.', '\\.')}$`, 'm'), `${transport} ${flag}`);
        }
      }
    } finally {
      await s.stop();
    }
  });
}
