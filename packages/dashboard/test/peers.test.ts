import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode, Registry, reply, type Request, type Workers } from '@chaindns/core';
import { makeRequest, Recorder } from '@chaindns/core/testing';
import { createDashboard, Live, SearchPathCounts, TYPES, type UpstreamRow } from '../src/index.js';
import { mergeTops, mergeUpstreams } from '../src/peers.js';

// With -workers N the primary's Live gathers the other workers' parts each second (core's
// Workers.gather) and sums them into the process's view. Here two Lives are wired as the
// binary's pool wires them, in one thread.

test('mergeTops: counts summed by key; a key a full list lacks gets its floor as error', () => {
  const a = [
    { key: 'x', count: 10, error: 0 },
    { key: 'y', count: 4, error: 0 },
  ];
  const b = [
    { key: 'y', count: 7, error: 1 },
    { key: 'z', count: 3, error: 0 },
  ];
  assert.deepEqual(mergeTops([a, b], 2, 3), [
    { key: 'y', count: 11, error: 1 },
    { key: 'x', count: 10, error: 3 },
    { key: 'z', count: 3, error: 4 },
  ]);
  assert.deepEqual(mergeTops([a], 2, 1), [{ key: 'x', count: 10, error: 0 }]);
});

test('mergeUpstreams: one row per upstream; rates summed, reply time weighted, down only when down everywhere', () => {
  const row = (qps: number, rttMs: number | null, down: boolean): UpstreamRow => ({ from: '.', to: '10.0.0.1:53', protocol: 'dns', down, fails: down ? 2 : 0, inflight: 1, qps, rttMs, requests: qps * 10, responses: qps * 10 });
  const [merged] = mergeUpstreams([[row(30, 2, false)], [row(10, 6, true)]]);
  assert.deepEqual(merged, { ...row(40, 3, false), fails: 2, inflight: 2 });
  assert.equal(mergeUpstreams([[row(1, null, true)], [row(1, null, true)]])[0]!.down, true);
});

/** A primary and one other worker, the other's `provide` answering the primary's `gather` as the pool does. */
function pair(): { primary: Workers; worker: Workers } {
  const providers = new Map<string, (ask: unknown) => unknown>();
  const worker: Workers = {
    index: 1,
    count: 2,
    publish: () => {},
    subscribe: () => () => {},
    gather: () => Promise.resolve([]),
    provide: (key, answer) => {
      providers.set(key, answer);
      return () => void providers.delete(key);
    },
  };
  const primary: Workers = {
    ...worker,
    index: 0,
    gather: async (key, ask) => {
      const answer = providers.get(key);
      return answer ? [structuredClone(await answer(ask))] : [];
    },
    provide: () => () => {},
  };
  return { primary, worker };
}

async function serve(live: Live, req: Request): Promise<void> {
  await createDashboard(live).serveDNS(req, new Recorder(), (r, w) => (w.write(reply(r, { rcode: Rcode.NOERROR })), Rcode.NOERROR));
}

test("the primary's live view sums the other worker's queries, types, clients and totals", async () => {
  const { primary, worker } = pair();
  const counts = new SearchPathCounts();
  const lives = [new Live(new Registry(), counts, primary), new Live(new Registry(), new SearchPathCounts(), worker)];
  try {
    const [main, other] = lives as [Live, Live];
    await main.snapshot();
    const t0 = Date.UTC(2026, 11, 7, 3, 0, 1);
    // The first second tells the worker it is watched; from the next it records.
    await main.tick(t0);
    for (let i = 0; i < 3; i++) await serve(main, makeRequest(`a${i}.example.`, 'A', { remote: { address: '10.0.0.1', port: 1000 + i, family: 4 } }));
    for (let i = 0; i < 5; i++) await serve(other, makeRequest(`b${i}.example.`, 'TXT', { remote: { address: '10.0.0.2', port: 1000 + i, family: 4 } }));
    await main.tick(t0 + 1000);
    const { history, frame } = await main.snapshot();
    const last = history.at(-1)!;
    assert.equal(last.qps, 8);
    assert.equal(last.types[TYPES.indexOf('A')], 3);
    assert.equal(last.types[TYPES.indexOf('TXT')], 5);
    assert.equal(frame.queries, 8);
    assert.deepEqual(
      frame.top.clients.map((r) => [r.key, r.count]),
      [
        ['10.0.0.2', 5],
        ['10.0.0.1', 3],
      ],
    );
    assert.equal(frame.latency.counts.reduce((n, c) => n + c, 0), 8);
  } finally {
    for (const l of lives) l.stop();
  }
});
