import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, type UpstreamExchange } from '@chaindns/core';
import { freePort, startTestServer, startTestUpstream } from '@chaindns/core/testing';
import { forward } from '../src/index.js';
import { qnameOf } from './helpers.js';

/** A stand-in for dnstap: offers upstreamTap and keeps what forward reports (copies: forward reuses its query buffer). */
function tapRecorder() {
  const seen: Array<{ query: string; reply: string | null; upstream: string; transport: string; sentAt: number }> = [];
  const plugin = definePlugin<null>({
    name: 'dnstap',
    parse: () => null,
    setup: (_c, ctx) => {
      ctx.offer('upstreamTap', {
        upstream: (e: UpstreamExchange) =>
          seen.push({ query: qnameOf(Buffer.from(e.query)), reply: e.reply && qnameOf(Buffer.from(e.reply)), upstream: `${e.upstream.address}:${e.upstream.port}`, transport: e.transport, sentAt: e.sentAt }),
      });
    },
  });
  return { plugin, seen };
}

test('forward reports each try to the upstreamTap offers of its block: with the reply, or without one when the try failed', async () => {
  const upstream = await startTestUpstream({ records: ['example.org. 300 IN A 192.0.2.7'] });
  const refused = await freePort();
  const { plugin, seen } = tapRecorder();
  const s = await startTestServer(`. {\n  dnstap\n  forward . 127.0.0.1:${refused} 127.0.0.1:${upstream.port} {\n    policy sequential\n  }\n}`, { plugins: [plugin, forward] });
  try {
    const before = performance.now();
    assert.equal((await s.query('example.org', 'A')).packet.answers?.length, 1);
    await s.query('example.org', 'A', { transport: 'tcp' });
    assert.deepEqual(
      seen.map(({ sentAt: _, ...e }) => e),
      [
        { query: 'example.org.', reply: null, upstream: `127.0.0.1:${refused}`, transport: 'udp' },
        { query: 'example.org.', reply: 'example.org.', upstream: `127.0.0.1:${upstream.port}`, transport: 'udp' },
        { query: 'example.org.', reply: null, upstream: `127.0.0.1:${refused}`, transport: 'tcp' },
        { query: 'example.org.', reply: 'example.org.', upstream: `127.0.0.1:${upstream.port}`, transport: 'tcp' },
      ],
    );
    for (const e of seen) assert.ok(e.sentAt >= before && e.sentAt <= performance.now());
  } finally {
    await s.stop();
    await upstream.stop();
  }
});
