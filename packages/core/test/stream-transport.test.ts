import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, definePlugin, nodeStreamTransport, reply, type StreamListenOptions, type StreamTransport } from '../src/index.js';
import { silentLogger } from '../src/logger.js';
import { decodeReply, exchangeTcp, startTestServer } from '../src/testing/index.js';
import { defaultConnectionOptions } from '../src/server/connection-table.js';

const answer = definePlugin<null>({ name: 'answer', parse: () => null, setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, {})), 0) }) });

test('a stream transport given to the server takes every stream listener (here: DNS over TCP)', async () => {
  const asked: StreamListenOptions[] = [];
  const node = nodeStreamTransport(defaultConnectionOptions, silentLogger);
  const recording: StreamTransport = { name: 'recording', listen: (options, onMessage) => (asked.push(options), node.listen(options, onMessage)) };
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], streamTransport: recording });
  try {
    // The last ask is the listener; one before it met a port that UDP had free and TCP had not (then chosen again).
    assert.deepEqual(asked.at(-1) && [asked.at(-1)!.scheme, asked.at(-1)!.address, asked.at(-1)!.port], ['dns', '127.0.0.1', s.port]);
    assert.ok(asked.every((o) => o.scheme === 'dns' && o.address === '127.0.0.1'));
    assert.equal(decodeReply(await exchangeTcp(s.port, buildQuery('a.org', 1))).rcode, 0);
  } finally {
    await s.stop();
  }
});

test('connection limits beside a stream transport of its own are refused', async () => {
  const node = nodeStreamTransport(defaultConnectionOptions, silentLogger);
  await assert.rejects(startTestServer('. {\n  answer\n}', { plugins: [answer], streamTransport: node, tcp: { idleTimeoutMs: 1000 } }), /tcp: the connection limits are those of the default stream transport/);
});
