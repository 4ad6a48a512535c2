import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { definePlugin, reply } from '@chaindns/core';
import { startTestServer, type TestServer } from '@chaindns/core/testing';
import { multisocket } from '../src/index.js';

/** Answers every query. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] })), 0) }),
});

let s: TestServer;
before(async () => {
  s = await startTestServer('. {\n  multisocket\n  answer\n}', { plugins: [multisocket, answer] });
});
after(() => s.stop());

test('a server embedded in a program runs on its thread alone, and says so', () => {
  assert.ok(s.logs.some((l) => /\[INFO\] plugin\/multisocket: this server runs on one thread/.test(l)), s.logs.join('\n'));
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`a block with multisocket serves over real ${transport} sockets`, async () => {
    const r = await s.query('example.org', 'A', { transport });
    assert.equal((r.packet.answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.1');
  });
}
