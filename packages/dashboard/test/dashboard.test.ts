import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { type Next, Rcode, Registry, reply, type ResponseWriter, SOLE_WORKER } from '@chaindns/core';
import { makeRequest, Recorder } from '@chaindns/core/testing';
import { createDashboard, type Frame, Live, SearchPathCounts } from '../src/index.js';

const lives: Live[] = [];
after(() => lives.forEach((l) => l.stop()));

function setup(): { live: Live; counts: SearchPathCounts; handler: ReturnType<typeof createDashboard> } {
  const counts = new SearchPathCounts();
  const live = new Live(new Registry(), counts, SOLE_WORKER);
  lives.push(live);
  return { live, counts, handler: createDashboard(live) };
}

/** The rest of a chain: answers NXDOMAIN for `nx` names, NOERROR otherwise, after `delayMs` when given (a promise, as forward's). */
function answer(nx: (qname: string) => boolean, delayMs = 0): Next {
  return (req, w) => {
    const rcode = nx(req.qname) ? Rcode.NXDOMAIN : Rcode.NOERROR;
    const write = (): number => (w.write(reply(req, { rcode })), rcode);
    return delayMs > 0 ? new Promise((r) => setTimeout(() => r(write()), delayMs)) : write();
  };
}

test('nobody watching: a query outside the cluster domain goes on with the writer it came with, and is only counted', async () => {
  const { live, handler } = setup();
  const w = new Recorder();
  let given: ResponseWriter | null = null;
  const rcode = await handler.serveDNS(makeRequest('www.example.org', 'A'), w, (req, out) => ((given = out), answer(() => false)(req, out)));
  assert.equal(rcode, Rcode.NOERROR);
  assert.equal(given, w);
  assert.equal(live.queries, 1);
  assert.equal(live.watching, false);
  await live.tick();
  const snap = await live.snapshot();
  assert.deepEqual(snap.history.map((p) => [p.qps, p.watched, p.types.reduce((a, b) => a + b, 0)]), [[1, false, 0]]);
});

test('nobody watching: glibc’s search for www.example.com (3 NXDOMAIN names, then the name) is classified and counted', async () => {
  const { live, counts, handler } = setup();
  const pod = { address: '10.244.0.20', port: 41000, family: 4 as const };
  const next = answer((q) => q.endsWith('cluster.local.'));
  for (const name of ['www.example.com.default.svc.cluster.local', 'www.example.com.svc.cluster.local', 'www.example.com.cluster.local', 'www.example.com']) {
    await handler.serveDNS(makeRequest(name, 'A', { remote: pod }), new Recorder(), next);
  }
  assert.equal(counts.expansions, 3);
  assert.deepEqual(counts.lookups, { search: 0, absolute: 1, nxdomain: 0, unfinished: 0 });
  assert.equal(counts.saved.autopath, 3);
  assert.equal(counts.saved['ndots:2'], 3);
  assert.equal(counts.saved['ndots:3'], 0);
  assert.equal(live.queries, 4);
});

test('watching: each query is counted by type and rcode, timed (also when the chain answers later), and offered to the tops', async () => {
  const { live, handler } = setup();
  const frames: Frame[] = [];
  const stop = live.subscribe((f) => frames.push(f));
  assert.equal(live.watching, true);
  const client = { address: '192.0.2.7', port: 5300, family: 4 as const };
  const next = answer((q) => q.startsWith('nosuch'), 5);
  for (const [name, type] of [['a.example.org', 'A'], ['a.example.org', 'AAAA'], ['nosuch.example.org', 'A'], ['a.example.org', 'A']] as const) {
    await handler.serveDNS(makeRequest(name, type, { remote: client }), new Recorder(), next);
  }
  // A writer a plugin before wrapped: the dashboard wraps it again to see the rcode.
  const wrapped = new Recorder();
  await handler.serveDNS(makeRequest('b.example.org', 'MX', { remote: client }), { write: (m) => wrapped.write(m) }, answer(() => true));
  await live.tick();
  stop();
  assert.equal(frames.length, 1);
  const f = frames[0]!;
  assert.equal(f.point.qps, 5);
  assert.deepEqual(Object.fromEntries(f.point.types.map((n, i) => [['A', 'AAAA', 'PTR', 'SRV', 'MX'][i] ?? i, n]).filter(([, n]) => n)), { A: 3, AAAA: 1, MX: 1 });
  assert.deepEqual(f.point.rcodes.slice(0, 2), [3, 2]);
  assert.ok(f.latency.p50! >= 4, `p50 ${f.latency.p50} ms: the chain took 5 ms`);
  assert.equal(f.latency.counts.reduce((a, b) => a + b, 0), 5);
  assert.deepEqual(f.top.names[0], { key: 'a.example.org.', count: 3, error: 0 });
  assert.deepEqual(f.top.clients, [{ key: '192.0.2.7', count: 5, error: 0 }]);
  assert.deepEqual(
    f.top.nxdomains.map((r) => r.key),
    ['b.example.org.', 'nosuch.example.org.'],
  );
  assert.equal(f.cache, null);
  assert.equal(wrapped.writes, 1);
  // The last stream closed: the recording stops with the next tick (a snapshot keeps it on a while).
  assert.equal(live.watching, false);
});
