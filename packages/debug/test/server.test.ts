import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, reply } from '@chaindns/core';
import { readmeCorefiles, startTestServer } from '@chaindns/core/testing';
import { debug } from '../src/index.js';

/** Logs a debug line per query and answers it, after debug. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: (_c, ctx) => ({
    name: 'answer',
    serveDNS(req, w) {
      ctx.log.debug(`answering ${req.qname} ${req.qtypeName}`);
      w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] }));
      return 0;
    },
  }),
});

const debugLines = (logs: readonly string[]): string[] => logs.filter((l) => l.startsWith('[DEBUG]'));

for (const transport of ['udp', 'tcp'] as const) {
  test(`with debug, a plugin's debug lines are written (${transport})`, async (t) => {
    const s = await startTestServer('. {\n  debug\n  answer\n}', { plugins: [debug, answer] });
    t.after(() => s.stop());
    const r = await s.query('example.org', 'A', { transport });
    assert.equal((r.packet.answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.1');
    assert.deepEqual(debugLines(s.logs), ['[DEBUG] plugin/answer: answering example.org. A']);
  });
}

test('without debug they are not; a reload adds and removes debug', async (t) => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [debug, answer] });
  t.after(() => s.stop());
  await s.query('one.example.org', 'A');
  assert.deepEqual(debugLines(s.logs), []);
  await s.server.reload('. {\n  debug\n  answer\n}');
  await s.query('two.example.org', 'A');
  await s.server.reload('. {\n  answer\n}');
  await s.query('three.example.org', 'A');
  assert.deepEqual(debugLines(s.logs), ['[DEBUG] plugin/answer: answering two.example.org. A']);
});

test('debug in one server block turns it on in the others', async (t) => {
  const s = await startTestServer('example.org {\n  debug\n  answer\n}\nexample.net {\n  answer\n}', { plugins: [debug, answer] });
  t.after(() => s.stop());
  await s.query('a.example.net', 'A');
  assert.deepEqual(debugLines(s.logs), ['[DEBUG] plugin/answer: answering a.example.net. A']);
});

test('the README example serves', async (t) => {
  const [example] = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  const s = await startTestServer(example!, { plugins: [debug] });
  t.after(() => s.stop());
  // debug has no handler: a chain that answers nothing is SERVFAIL.
  assert.equal((await s.query('example.org', 'A')).rcode, 2);
});
