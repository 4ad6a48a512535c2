import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { freePort, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { type Chaindns, httpGet, startChaindns, tempDir } from './harness.js';
import { addressOf, type LoadResult, steadyLoad } from './steady-load.js';

// Upgrades that lose no query: a new chaindns binds beside the old one (SO_REUSEPORT, the native
// transport's), then the old one gets SIGTERM: it takes no new query, answers those it took, and
// exits. Real processes under a steady load of cache hits and misses, over UDP and TCP.

const dir = tempDir('chaindns-handoff-');
let upstream: TestUpstream;
let port: number;
let http: number;
let health: number;
let metrics: number;

before(async () => {
  // Every A name has one address; a miss waits 20 ms upstream, so queries are in flight at each handoff.
  upstream = await startTestUpstream({
    handler: async (q) => {
      const question = q.questions![0]!;
      await new Promise((r) => setTimeout(r, 20));
      return { id: q.id, type: 'response', flags: 0x8180, questions: [question], answers: [{ name: question.name, type: 'A', class: 'IN', ttl: 3600, data: addressOf(question.name) }] };
    },
  });
  [port, http, health, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    dir.file('Corefile'),
    `.:${port} {\n  bind 127.0.0.1\n  errors\n  health 127.0.0.1:${health}\n  ready 127.0.0.1:${http}\n  prometheus 127.0.0.1:${metrics}\n  cache\n  forward . 127.0.0.1:${upstream.port}\n}\n`,
  );
});
after(async () => {
  await upstream.stop();
  dir.remove();
});

const start = (): Promise<Chaindns> => startChaindns(['-conf', dir.file('Corefile'), '-udp', 'native']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Serves under the load while `replace` swaps the process `times` times; the load's result. */
async function underLoad(times: number, tag: string, replace: (old: Chaindns) => Promise<Chaindns>): Promise<LoadResult> {
  let current = await start();
  const load = steadyLoad(port, { qps: 2000, sockets: 16, missEvery: 10, tag });
  try {
    await sleep(500);
    for (let i = 0; i < times; i++) {
      current = await replace(current);
      await sleep(500);
    }
    return await load.stop();
  } finally {
    await current.stop();
  }
}

test('a rolling replacement under load (3 times, 2,000 QPS of hits and misses, TCP beside): no query lost, none wrong', async () => {
  const result = await underLoad(3, 'roll', async (old) => {
    // The new one listens beside the old (its banner comes once it does), with its HTTP listeners on the same ports.
    const next = await start();
    assert.equal((await httpGet(`http://127.0.0.1:${health}/health`)).status, 200);
    assert.equal(await old.stop(), 0);
    return next;
  });
  assert.ok(result.sent > 5000, `sent ${result.sent}`);
  assert.deepEqual({ lost: result.lost, wrong: result.wrong, tcpFailed: result.tcpFailed }, { lost: 0, wrong: 0, tcpFailed: 0 }, `${result.answered} answered of ${result.sent}, ${result.tcpAnswered} over TCP`);
  assert.ok(result.tcpAnswered > 20, `TCP answered ${result.tcpAnswered}`);
});

test('a plain restart under the same load (stop, then start) loses the queries of the gap: what the handoff saves', async () => {
  const result = await underLoad(1, 'restart', async (old) => {
    assert.equal(await old.stop(), 0);
    return start();
  });
  assert.ok(result.lost > 100, `lost ${result.lost} of ${result.sent}`);
});
