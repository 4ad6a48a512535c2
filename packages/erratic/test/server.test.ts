import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flag } from '@chaindns/core';
import { dig, readmeCorefiles, startTestServer, type TestServer } from '@chaindns/core/testing';
import { erratic } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/**
 * What each of six queries in a row gets: no reply, TC set, or the answer;
 * `slow` where `expected` says so and the answer took 45ms or more (a fast one
 * is not timed: a loaded machine can be slow by itself).
 */
async function pattern(s: TestServer, transport: 'udp' | 'tcp', expected: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) {
    const started = Date.now();
    try {
      const r = await s.query('www.example.org', 'A', { transport, timeoutMs: 400 });
      assert.equal((r.packet.answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.53');
      out.push(r.msg[2]! & (Flag.TC >> 8) ? 'tc' : expected[i] === 'slow' && Date.now() - started >= 45 ? 'slow' : 'ok');
    } catch {
      out.push('drop');
    }
  }
  return out;
}

const expectations = [
  ['drop', 'ok', 'ok', 'drop', 'ok', 'ok'],
  ['drop', 'ok', 'drop', 'ok', 'drop', 'ok'],
  ['slow', 'ok', 'ok', 'slow', 'ok', 'ok'],
  // delay 3 5ms, truncate 5: the 1st is both (TC wins the label), the 4th waits 5ms only.
  ['tc', 'ok', 'ok', 'ok', 'ok', 'tc'],
  ['drop', 'ok', 'drop', 'ok', 'drop', 'ok'],
];

for (const transport of ['udp', 'tcp'] as const) {
  test(`every README example answers, drops, truncates and delays as it says, over ${transport}`, async (t) => {
    assert.equal(examples.length, expectations.length);
    for (const [i, corefile] of examples.entries()) {
      await t.test(`example ${i + 1}`, async () => {
        const s = await startTestServer(corefile, { plugins: [erratic] });
        try {
          assert.deepEqual(await pattern(s, transport, expectations[i]!), expectations[i]);
        } finally {
          await s.stop();
        }
      });
    }
  });
}

test('dig retries past a dropped query and sees the answer', async () => {
  const s = await startTestServer(examples[1]!, { plugins: [erratic] });
  try {
    const stdout = await dig(s.port, '+time=1', '+tries=2', 'www.example.org', 'AAAA');
    assert.match(stdout, /status: NOERROR/);
    assert.match(stdout, /flags: qr aa rd;/);
    assert.match(stdout, /^www\.example\.org\.\s+0\s+IN\s+AAAA\s+2001:db8::53$/m);
  } finally {
    await s.stop();
  }
});
