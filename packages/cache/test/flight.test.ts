import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointSet, type Next, PluginError, QType, Rcode, Registry, reply } from '@chaindns/core';
import { A, Recorder } from '@chaindns/core/testing';
import { cacheMetrics } from '../src/index.js';
import { answerTtls, ask, Clock, FakeChain, makeCache, query } from './chain.js';

/** The trips down the chain: coalesced misses, prefetch, serve_stale. */

const WWW = { answers: [A('www.example.org. 300 IN A 192.0.2.1')] };
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('identical misses go down the chain once; each waiter gets its own ID and case', async () => {
  const chain = new FakeChain(WWW);
  chain.hold();
  const cache = makeCache('cache', new Clock());
  const names = ['www.example.org', 'WWW.example.org', 'www.EXAMPLE.org', 'wWw.eXaMpLe.OrG'];
  const asked = names.map((name, i) => ask(cache, chain, query(name, QType.A, { id: 100 + i })));
  const tcp = ask(cache, chain, query('www.example.org', QType.A, { id: 9, transport: 'tcp' }));
  assert.equal(chain.calls.length, 2, 'one for UDP, one for TCP');
  chain.release();
  const rcodes = await Promise.all([...asked, tcp].map((a) => a.result));
  assert.deepEqual(rcodes, [0, 0, 0, 0, 0]);
  asked.forEach((a, i) => {
    const p = a.recorder.packet();
    assert.equal(p.id, 100 + i);
    assert.equal(p.questions?.[0]?.name, names[i]);
    assert.deepEqual(answerTtls(a.recorder), [300]);
  });
  assert.equal(chain.calls.length, 2);
});

test('a query from one of the server\'s own outbound sockets never waits on a flight: it is that flight\'s query come back', async () => {
  const outbound = new EndpointSet();
  outbound.add('udp', '127.0.0.1', 50000);
  const chain = new FakeChain(WWW);
  chain.hold();
  const cache = makeCache('cache', new Clock(), ['.'], outbound);
  const client = ask(cache, chain, query('www.example.org', QType.A, { id: 1 }));
  // The forwarder's copy of it, back through a loop: down the chain, as if the flight were not there.
  const looped = ask(cache, chain, query('www.example.org', QType.A, { id: 2, remote: { address: '127.0.0.1', port: 50000 } }));
  const other = ask(cache, chain, query('www.example.org', QType.A, { id: 3, remote: { address: '127.0.0.1', port: 50001 } }));
  assert.equal(chain.calls.length, 2, 'the client\'s query and the looped one; the third joined');
  assert.equal(chain.calls[1]!.id, 2);
  chain.release();
  assert.deepEqual(await Promise.all([client, looped, other].map((a) => a.result)), [0, 0, 0]);
  assert.deepEqual([client, looped, other].map((a) => a.recorder.packet().id), [1, 2, 3]);
  // The looped query's own trip is not one others join.
  chain.hold();
  const cache2 = makeCache('cache', new Clock(), ['.'], outbound);
  const first = ask(cache2, chain, query('www.example.org', QType.A, { id: 4, remote: { address: '127.0.0.1', port: 50000 } }));
  const again = ask(cache2, chain, query('www.example.org', QType.A, { id: 5, remote: { address: '127.0.0.1', port: 50000 } }));
  chain.release();
  assert.deepEqual(await Promise.all([first, again].map((a) => a.result)), [0, 0]);
  assert.equal(chain.calls.length, 4);
});

test('waiters share the outcome of a reply that is not cached, of no reply and of an error', async (t) => {
  await t.test('REFUSED', async () => {
    const chain = new FakeChain({ rcode: Rcode.REFUSED });
    chain.hold();
    const cache = makeCache('cache', new Clock());
    const asked = [1, 2, 3].map((id) => ask(cache, chain, query('www.example.org', QType.A, { id })));
    chain.release();
    assert.deepEqual(await Promise.all(asked.map((a) => a.result)), [5, 5, 5]);
    assert.deepEqual(asked.map((a) => a.recorder.packet().id), [1, 2, 3]);
    assert.equal(chain.calls.length, 1);
  });
  await t.test('nothing written', async () => {
    const chain = new FakeChain(null);
    chain.hold();
    const cache = makeCache('cache', new Clock());
    const asked = [1, 2].map((id) => ask(cache, chain, query('www.example.org', QType.A, { id })));
    chain.release();
    assert.deepEqual(await Promise.all(asked.map((a) => a.result)), [2, 2]);
    assert.deepEqual(asked.map((a) => a.recorder.writes), [0, 0]);
  });
  await t.test('a PluginError', async () => {
    const chain = new FakeChain(WWW);
    chain.throws = new PluginError('forward', Rcode.SERVFAIL, 'no upstream');
    chain.hold();
    const cache = makeCache('cache', new Clock());
    const asked = [1, 2].map((id) => ask(cache, chain, query('www.example.org', QType.A, { id })));
    chain.release();
    for (const a of asked) await assert.rejects(Promise.resolve(a.result), PluginError);
    assert.equal(chain.calls.length, 1);
  });
});

test('prefetch refreshes a popular entry in the background', async () => {
  const clock = new Clock();
  const chain = new FakeChain({ answers: [A('www.example.org. 10 IN A 192.0.2.1')] });
  const cache = makeCache('cache {\n prefetch 2 1m 50%\n }', clock);
  await ask(cache, chain, query('www.example.org', QType.A)).result;
  for (const [advance, calls] of [
    [1, 1], // 1 hit, 9s left
    [1, 1], // 2 hits, 8s left: not yet 50%
    [4, 2], // 3 hits, 4s left: prefetch
  ] as const) {
    clock.advance(advance);
    const hit = ask(cache, chain, query('www.example.org', QType.A));
    assert.equal(typeof hit.result, 'number');
    assert.equal(chain.calls.length, calls);
  }
  assert.equal(chain.calls.at(-1)?.transport, 'tcp', 'sent as TCP so it is not truncated');
  clock.advance(1);
  assert.deepEqual(answerTtls(ask(cache, chain, query('www.example.org', QType.A)).recorder), [9], 'the refreshed entry');

  const quiet = new FakeChain({ answers: [A('www.example.org. 10 IN A 192.0.2.1')] });
  const c2 = makeCache('cache {\n prefetch 2 1s\n }', clock);
  await ask(c2, quiet, query('www.example.org', QType.A)).result;
  for (let i = 0; i < 4; i++) {
    clock.advance(2.5); // gaps of the DURATION or more: never popular
    ask(c2, quiet, query('www.example.org', QType.A));
  }
  assert.equal(quiet.calls.length, 2, 'only the expiry at 10s went down the chain');
});

test('serve_stale immediate answers at once with TTL 0 and refreshes once', async () => {
  const clock = new Clock();
  const chain = new FakeChain({ answers: [A('www.example.org. 10 IN A 192.0.2.1')] });
  const cache = makeCache('cache {\n serve_stale 1h\n }', clock);
  const registry = new Registry();
  cacheMetrics(registry).track(cache.source);
  await ask(cache, chain, query('www.example.org', QType.A)).result;
  clock.advance(11);
  chain.hold();
  for (let i = 0; i < 3; i++) {
    const stale = ask(cache, chain, query('www.example.org', QType.A));
    assert.equal(stale.result, Rcode.NOERROR);
    assert.deepEqual(answerTtls(stale.recorder), [0]);
  }
  assert.equal(chain.calls.length, 2, 'one refresh');
  chain.release();
  await tick();
  assert.deepEqual(answerTtls(ask(cache, chain, query('www.example.org', QType.A)).recorder), [10]);
  const text = await registry.metrics();
  assert.match(text, /coredns_cache_served_stale_total\{server="dns:\/\/:53",zones=".",view=""\} 3\n/);
  assert.match(text, /coredns_cache_prefetch_total\{server="dns:\/\/:53",zones=".",view=""\} 1\n/);

  clock.advance(10 + 3601);
  await ask(cache, chain, query('www.example.org', QType.A)).result;
  assert.equal(chain.calls.length, 3, 'past DURATION it is a miss');
});

test('serve_stale verify asks first and falls back on failure', async (t) => {
  const setup = async (): Promise<{ clock: Clock; chain: FakeChain; cache: ReturnType<typeof makeCache> }> => {
    const clock = new Clock();
    const chain = new FakeChain({ answers: [A('www.example.org. 10 IN A 192.0.2.1')] });
    const cache = makeCache('cache {\n serve_stale 1h verify\n }', clock);
    await ask(cache, chain, query('www.example.org', QType.A)).result;
    clock.advance(11);
    return { clock, chain, cache };
  };
  const data = (r: ReturnType<typeof ask>): string => (r.recorder.packet().answers?.[0] as { data: string }).data;

  await t.test('a fresh answer wins', async () => {
    const { chain, cache } = await setup();
    chain.answer = { answers: [A('www.example.org. 10 IN A 192.0.2.99')] };
    const r = ask(cache, chain, query('www.example.org', QType.A));
    assert.equal(await r.result, 0);
    assert.equal(data(r), '192.0.2.99');
    assert.deepEqual(answerTtls(r.recorder), [10]);
  });
  for (const [name, fail] of [
    ['SERVFAIL', (c: FakeChain) => (c.answer = { rcode: Rcode.SERVFAIL })],
    ['an error', (c: FakeChain) => (c.throws = new PluginError('forward', Rcode.SERVFAIL, 'down'))],
  ] as const) {
    await t.test(`${name}: the stale entry answers`, async () => {
      const { chain, cache } = await setup();
      fail(chain);
      const r = ask(cache, chain, query('www.example.org', QType.A));
      assert.equal(await r.result, 0);
      assert.equal(data(r), '192.0.2.1');
      assert.deepEqual(answerTtls(r.recorder), [0]);
    });
  }
  await t.test('no reply within the client response timer', async () => {
    const { chain, cache } = await setup();
    chain.hold();
    const slow = ask(cache, chain, query('www.example.org', QType.A));
    const joined = ask(cache, chain, query('www.example.org', QType.A));
    assert.equal(await slow.result, 0, 'answered at the timer (50ms in tests)');
    assert.equal(await joined.result, 0);
    assert.deepEqual(answerTtls(joined.recorder), [0]);
    const later = ask(cache, chain, query('www.example.org', QType.A));
    assert.equal(later.result, 0, 'stale at once while the refresh is out');
    assert.equal(chain.calls.length, 2);
    chain.release();
    await tick();
    assert.deepEqual(answerTtls(ask(cache, chain, query('www.example.org', QType.A)).recorder), [10], 'the late reply was stored');
  });
});

test('serve_stale verify: the stale entry held for a refresh is not filled with another name\'s reply when it is evicted meanwhile', async () => {
  const clock = new Clock();
  const cache = makeCache('cache {\n success 1\n serve_stale 1h verify\n }', clock);
  let refresh: ((rcode: number) => void) | null = null;
  const next: Next = (req, w) => {
    // The refresh of www hangs until the test ends it with SERVFAIL; other names are answered at once.
    if (req.qname === 'www.example.org.' && clock.t > start) return new Promise<number>((resolve) => (refresh = resolve));
    w.write(reply(req, { answers: [A(`${req.qname} 10 IN A ${req.qname === 'www.example.org.' ? '192.0.2.1' : '192.0.2.2'}`)] }));
    return 0;
  };
  const start = clock.t;
  await cache.serveDNS(query('www.example.org', QType.A), new Recorder(), next);
  clock.advance(11);
  const recorder = new Recorder();
  const stale = cache.serveDNS(query('www.example.org', QType.A), recorder, next);
  // The cache holds one entry: storing web.example.org (a reply as long, which fits the evicted entry's bytes) evicts www's while its refresh is out.
  await cache.serveDNS(query('web.example.org', QType.A), new Recorder(), next);
  refresh!(Rcode.SERVFAIL);
  assert.equal(await stale, 0);
  const answer = recorder.packet().answers?.[0] as { name: string; data: string };
  assert.deepEqual([answer.name, answer.data], ['www.example.org', '192.0.2.1']);
});
