import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netnsUnavailable, runInNetns } from '@chaindns/core/testing';
import type { LoadResult } from './steady-load.js';

// Upgrades that lose no query: a new chaindns binds beside the old one (SO_REUSEPORT, the native
// transport's), then the old one gets SIGTERM: it takes no new query, answers those it took, and
// exits. Real processes under a steady load of cache hits and misses, over UDP and TCP
// (handoff-scene.ts), in a network namespace of the test's own where net.ipv4.tcp_migrate_req is
// set, as deploy/README.md asks of the nodes: without it a TCP connection that completes its
// handshake on the old listener as it closes is reset (one in about four runs here).

const scene = new URL('./handoff-scene.js', import.meta.url).pathname;
const prerequisite = netnsUnavailable();

/** Runs the scene in a namespace whose tcp_migrate_req is 1; its result. */
async function inNamespace(mode: 'roll' | 'restart'): Promise<Omit<LoadResult, 'latencies'>> {
  const run = await runInNetns('sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/tcp_migrate_req && exec "$@"', 'sh', process.execPath, scene, mode], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, `the scene failed (${run.code}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as Omit<LoadResult, 'latencies'>;
}

test('a rolling replacement under load (3 times, 2,000 QPS of hits and misses, TCP beside): no query lost, none wrong', { skip: prerequisite ?? false, timeout: 90_000 }, async () => {
  const result = await inNamespace('roll');
  assert.ok(result.sent > 5000, `sent ${result.sent}`);
  assert.deepEqual({ lost: result.lost, wrong: result.wrong, tcpFailed: result.tcpFailed }, { lost: 0, wrong: 0, tcpFailed: 0 }, `${result.answered} answered of ${result.sent}, ${result.tcpAnswered} over TCP`);
  assert.ok(result.tcpAnswered > 20, `TCP answered ${result.tcpAnswered}`);
});

test('a plain restart under the same load (stop, then start) loses the queries of the gap: what the handoff saves', { skip: prerequisite ?? false, timeout: 90_000 }, async () => {
  const result = await inNamespace('restart');
  assert.ok(result.lost > 100, `lost ${result.lost} of ${result.sent}`);
});
