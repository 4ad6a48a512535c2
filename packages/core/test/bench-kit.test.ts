import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, PluginRegistry, Server, silentLogger } from '../src/index.js';
import { benchTransport, standIn, timeRounds } from '../src/testing/index.js';

/** Answers A queries, NODATA for the rest. */
const answer = standIn('answer', (req) => ({ answers: req.qtype === 1 ? [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] : [] }));

test('benchTransport hands whole batches to a real server and counts its replies; timeRounds refuses a round without answers', async () => {
  const bench = benchTransport();
  const server = await new Server({ corefile: '.:0 {\n answer\n}', plugins: new PluginRegistry(['answer'], [answer]), udpTransport: bench.transport, defaultAddresses: ['127.0.0.1'], logger: silentLogger }).start();
  try {
    const a = [buildQuery('a.example', 1), buildQuery('b.example', 1)];
    assert.equal(bench.drive(a, 40), 64, 'rounded up to two batches of 32');
    assert.deepEqual([bench.replies, bench.answered], [64, 64]);
    const times = await timeRounds(bench, a, { count: 64, rounds: 3, warmup: 32, answered: true });
    assert.equal(times.wall.length, 3);
    assert.ok(times.wall[0]! <= times.wall[2]!, 'sorted');
    await assert.rejects(timeRounds(bench, [buildQuery('a.example', 28)], { count: 32, rounds: 1, warmup: 0, answered: true }), /32 of 32 replies had no answer/);
  } finally {
    await server.stop();
  }
});
