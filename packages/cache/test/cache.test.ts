import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginError, QType, Rcode, Registry, reply, type Request } from '@chaindns/core';
import { A, NS, Recorder, SOA, rr } from '@chaindns/core/testing';
import { cacheMetrics } from '../src/index.js';
import { type Answer, answerTtls, ask, Clock, FakeChain, makeCache, query } from './chain.js';

const WWW = { answers: [A('www.example.org. 300 IN A 192.0.2.1')] };
const soa = (ttl: number, minimum: number): ReturnType<typeof SOA> => SOA(`example.org. ${ttl} IN SOA ns.example.org. host.example.org. 1 7200 3600 1209600 ${minimum}`);
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a hit is served from the stored bytes, synchronously, as the client asked', async () => {
  const clock = new Clock();
  const chain = new FakeChain(WWW);
  const cache = makeCache('cache', clock);
  const miss = ask(cache, chain, query('www.example.org', QType.A, { id: 1 }));
  assert.equal(await miss.result, Rcode.NOERROR);
  assert.deepEqual(answerTtls(miss.recorder), [300]);

  clock.advance(3.5);
  const hit = ask(cache, chain, query('WwW.ExAmple.ORG', QType.A, { id: 4242, edns: { udpSize: 1232 } }));
  assert.equal(hit.result, Rcode.NOERROR, 'a hit returns its rcode, not a promise');
  assert.equal(chain.calls.length, 1);
  const packet = hit.recorder.packet();
  assert.equal(packet.id, 4242);
  assert.equal(packet.questions?.[0]?.name, 'WwW.ExAmple.ORG');
  assert.deepEqual(answerTtls(hit.recorder), [297]);
  assert.equal((packet.flags ?? 0) & 0x0400, 0x0400, 'AA, as CoreDNS sets on hits');
  assert.deepEqual(packet.additionals?.map((a) => a.type), ['OPT'], 'the client gets its own OPT');

  const plain = ask(cache, chain, query('www.example.org', QType.A, { id: 7 }));
  assert.equal(plain.recorder.packet().additionals?.length, 0, 'and none when it sent none');
});

test('the key holds name, type, class, DO and CD', async (t) => {
  const cases: { name: string; second: Request; hit: boolean }[] = [
    { name: 'other letter case', second: query('WWW.EXAMPLE.ORG', QType.A), hit: true },
    { name: 'EDNS without DO', second: query('www.example.org', QType.A, { edns: { udpSize: 4096 } }), hit: true },
    { name: 'another type', second: query('www.example.org', QType.AAAA), hit: false },
    { name: 'DO set', second: query('www.example.org', QType.A, { edns: { udpSize: 4096, do: true } }), hit: false },
    { name: 'CD set', second: query('www.example.org', QType.A, { cd: true }), hit: false },
    { name: 'class CH', second: query('www.example.org', QType.A, { qclass: 3 }), hit: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const chain = new FakeChain(WWW);
      const cache = makeCache('cache', new Clock());
      await ask(cache, chain, query('www.example.org', QType.A)).result;
      await ask(cache, chain, c.second).result;
      assert.equal(chain.calls.length, c.hit ? 1 : 2);
    });
  }
});

test('TTLs, kinds and what is cached follow CoreDNS', async (t) => {
  const cases: { name: string; directive?: string; qname?: string; answer: Answer; cached: 'success' | 'denial' | null; ttl: number }[] = [
    { name: 'an answer keeps its TTL', answer: WWW, cached: 'success', ttl: 300 },
    { name: 'capped at 3600', answer: { answers: [A('www.example.org. 7200 IN A 192.0.2.1')] }, cached: 'success', ttl: 3600 },
    { name: 'cache 30 caps at 30', directive: 'cache 30', answer: WWW, cached: 'success', ttl: 30 },
    { name: 'raised to the minimum 5', answer: { answers: [A('www.example.org. 1 IN A 192.0.2.1')] }, cached: 'success', ttl: 5 },
    { name: 'success MINTTL 0 keeps 1', directive: 'cache {\n success 100 60 0\n }', answer: { answers: [A('www.example.org. 1 IN A 192.0.2.1')] }, cached: 'success', ttl: 1 },
    { name: 'the smallest TTL rules the reply', answer: { answers: [A('www.example.org. 300 IN A 192.0.2.1'), A('www.example.org. 60 IN A 192.0.2.2')] }, cached: 'success', ttl: 60 },
    { name: 'NXDOMAIN: the SOA MINIMUM when below its TTL', answer: { rcode: Rcode.NXDOMAIN, authorities: [soa(3600, 60)] }, cached: 'denial', ttl: 60 },
    { name: 'NODATA: the SOA TTL when below its MINIMUM', answer: { authorities: [soa(120, 600)] }, cached: 'denial', ttl: 120 },
    { name: 'denials capped at 1800', answer: { rcode: Rcode.NXDOMAIN, authorities: [soa(7200, 7200)] }, cached: 'denial', ttl: 1800 },
    { name: 'denial TTL option', directive: 'cache {\n denial 100 30\n }', answer: { rcode: Rcode.NXDOMAIN, authorities: [soa(3600, 3600)] }, cached: 'denial', ttl: 30 },
    { name: 'NXDOMAIN without SOA is not cached', answer: { rcode: Rcode.NXDOMAIN }, cached: null, ttl: 0 },
    { name: 'SERVFAIL for 5s', answer: { rcode: Rcode.SERVFAIL }, cached: 'denial', ttl: 0 },
    { name: 'servfail 0: never', directive: 'cache {\n servfail 0\n }', answer: { rcode: Rcode.SERVFAIL }, cached: null, ttl: 0 },
    { name: 'REFUSED never', answer: { rcode: Rcode.REFUSED }, cached: null, ttl: 0 },
    { name: 'a referral for 5s', answer: { authorities: [NS('example.org. 3600 IN NS ns.example.org.')] }, cached: 'success', ttl: 0 },
    { name: 'NOERROR, no records, no SOA: 5s', answer: {}, cached: 'success', ttl: 0 },
    { name: 'disable success', directive: 'cache {\n disable success\n }', answer: WWW, cached: null, ttl: 300 },
    { name: 'disable success elsewhere', directive: 'cache {\n disable success example.net\n }', answer: WWW, cached: 'success', ttl: 300 },
    { name: 'disable denial for the zone', directive: 'cache {\n disable denial example.org\n }', answer: { rcode: Rcode.NXDOMAIN, authorities: [soa(60, 60)] }, cached: null, ttl: 60 },
    { name: 'names outside the cache zones pass', directive: 'cache example.net', answer: WWW, cached: null, ttl: 300 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { cache, chain, first } = await makeReplyCase(c.answer, c.directive);
      const ttls = [...(first.answers ?? []), ...(first.authorities ?? [])].map((a) => ('ttl' in a ? a.ttl : -1));
      if (c.ttl > 0) assert.ok(ttls.every((ttl) => ttl === c.ttl), `TTLs ${ttls.join(',')} should be ${c.ttl}`);
      await ask(cache, chain, query('www.example.org', QType.A)).result;
      assert.equal(chain.calls.length, c.cached ? 1 : 2, 'second query from the cache');
      assert.equal(cache.source.size('success'), c.cached === 'success' ? 1 : 0);
      assert.equal(cache.source.size('denial'), c.cached === 'denial' ? 1 : 0);
    });
  }
});

async function makeReplyCase(answer: Answer, directive = 'cache'): Promise<{ cache: ReturnType<typeof makeCache>; chain: FakeChain; first: ReturnType<Recorder['packet']> }> {
  const chain = new FakeChain(answer);
  const cache = makeCache(directive, new Clock());
  const r = ask(cache, chain, query('www.example.org', QType.A));
  await r.result;
  return { cache, chain, first: r.recorder.packet() };
}

test('entries expire, SERVFAIL after 5s; keepttl keeps the stored TTL', async () => {
  const clock = new Clock();
  const chain = new FakeChain(WWW);
  const cache = makeCache('cache', clock);
  await ask(cache, chain, query('www.example.org', QType.A)).result;
  clock.advance(299.9);
  assert.deepEqual(answerTtls(ask(cache, chain, query('www.example.org', QType.A)).recorder), [1]);
  clock.advance(0.1);
  await ask(cache, chain, query('www.example.org', QType.A)).result;
  assert.equal(chain.calls.length, 2, 'expired at 300s');

  const keep = makeCache('cache {\n keepttl\n }', clock);
  await ask(keep, chain, query('www.example.org', QType.A)).result;
  clock.advance(100);
  assert.deepEqual(answerTtls(ask(keep, chain, query('www.example.org', QType.A)).recorder), [300]);

  const fail = new FakeChain({ rcode: Rcode.SERVFAIL });
  const c2 = makeCache('cache', clock);
  await ask(c2, fail, query('down.example.org', QType.A)).result;
  clock.advance(4.9);
  assert.equal(ask(c2, fail, query('down.example.org', QType.A)).result, Rcode.SERVFAIL);
  clock.advance(0.1);
  await ask(c2, fail, query('down.example.org', QType.A)).result;
  assert.equal(fail.calls.length, 2);
});

test('never cached: truncated, another question (a drop each), zone transfers', async (t) => {
  const cases: { name: string; qtype: number; answer: Answer; drops: number }[] = [
    { name: 'truncated', qtype: QType.A, answer: (req) => withByte(reply1(req), 2, 0x02), drops: 0 },
    { name: 'another name', qtype: QType.A, answer: (req) => renamed(reply1(req)), drops: 1 },
    { name: 'another type', qtype: QType.A, answer: (req) => retyped(reply1(req)), drops: 1 },
    { name: 'AXFR', qtype: QType.AXFR, answer: WWW, drops: 0 },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const chain = new FakeChain(c.answer);
      const cache = makeCache('cache', new Clock());
      const registry = new Registry();
      cacheMetrics(registry).track(cache.source);
      await ask(cache, chain, query('www.example.org', c.qtype)).result;
      await ask(cache, chain, query('www.example.org', c.qtype)).result;
      assert.equal(chain.calls.length, 2);
      assert.match(await registry.metrics(), new RegExp(`coredns_cache_drops_total\\{server="dns://:53",zones=".",view=""\\} ${c.drops * 2}\\n`));
    });
  }
});

function reply1(req: Request): Buffer {
  return reply(req, WWW);
}
function withByte(msg: Buffer, at: number, bits: number): Buffer {
  msg[at] = msg[at]! | bits;
  return msg;
}
/** The reply with its question's first letter changed (another name, same length). */
function renamed(msg: Buffer): Buffer {
  msg[13] = 0x78; // "x"
  return msg;
}
function retyped(msg: Buffer): Buffer {
  const end = msg.indexOf(0, 12) + 1;
  msg.writeUInt16BE(QType.AAAA, end);
  return msg;
}

test('AD only for clients that set DO or AD', async (t) => {
  const ad = (req: Request): Buffer => withByte(reply1(req), 3, 0x20);
  const cases: { name: string; options: Parameters<typeof query>[2]; ad: boolean }[] = [
    { name: 'plain query', options: {}, ad: false },
    { name: 'AD set', options: { ad: true }, ad: true },
    { name: 'DO set', options: { edns: { udpSize: 1232, do: true } }, ad: true },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const chain = new FakeChain(ad);
      const cache = makeCache('cache', new Clock());
      const miss = ask(cache, chain, query('www.example.org', QType.A, c.options));
      await miss.result;
      const hit = ask(cache, chain, query('www.example.org', QType.A, c.options));
      for (const r of [miss, hit]) assert.equal(((r.recorder.packet().flags ?? 0) & 0x20) !== 0, c.ad);
    });
  }
});

test('a DNSSEC reply with an expired signature is not cached', async () => {
  const now = Math.floor(new Clock().t / 1000);
  const sig = (expiration: number) =>
    ({
      name: 'www.example.org',
      type: 'RRSIG',
      ttl: 300,
      class: 'IN',
      data: { typeCovered: 'A', algorithm: 13, labels: 3, originalTTL: 300, expiration, inception: now - 86400, keyTag: 1, signersName: 'example.org', signature: Buffer.alloc(64) },
    }) as unknown as ReturnType<typeof rr>;
  for (const [expiration, cached] of [
    [now + 3600, true],
    [now - 60, false],
  ] as const) {
    const chain = new FakeChain({ answers: [A('www.example.org. 300 IN A 192.0.2.1'), sig(expiration)] });
    const cache = makeCache('cache', new Clock());
    const q = () => query('www.example.org', QType.A, { edns: { udpSize: 1232, do: true } });
    await ask(cache, chain, q()).result;
    await ask(cache, chain, q()).result;
    assert.equal(chain.calls.length, cached ? 1 : 2, `expiration ${expiration - now}s from now`);
  }
});

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

test('least recently used entries are evicted per kind, and counted', async () => {
  const chain = new FakeChain((req) => reply(req, { answers: [A(`${req.qname} 300 IN A 192.0.2.1`)] }));
  const clock = new Clock();
  const cache = makeCache('cache {\n success 2\n }', clock);
  const registry = new Registry();
  cacheMetrics(registry).track(cache.source);
  for (const name of ['a.org', 'b.org', 'a.org', 'c.org', 'a.org', 'b.org']) {
    clock.advance(1); // recency is recorded to the second
    await ask(cache, chain, query(name, QType.A)).result;
  }
  assert.deepEqual(chain.calls.map((r) => r.qname), ['a.org.', 'b.org.', 'c.org.', 'b.org.'], 'b was least recently used when c came');
  const text = await registry.metrics();
  assert.match(text, /coredns_cache_evictions_total\{server="dns:\/\/:53",type="success",zones=".",view=""\} 2\n/);
  assert.match(text, /coredns_cache_entries\{server="dns:\/\/:53",type="success",zones=".",view=""\} 2\n/);
});

test('metrics carry CoreDNS names and labels, and survive the cache', async () => {
  const registry = new Registry();
  const chain = new FakeChain(WWW);
  const cache = makeCache('cache', new Clock(), ['example.org.', 'example.net.']);
  const untrack = cacheMetrics(registry).track(cache.source);
  assert.equal(cacheMetrics(registry), cacheMetrics(registry), 'created once per registry');
  for (let i = 0; i < 3; i++) await ask(cache, chain, query('www.example.org', QType.A)).result;
  await ask(cache, new FakeChain({ rcode: Rcode.NXDOMAIN, authorities: [soa(60, 60)] }), query('nx.example.org', QType.A)).result;
  await ask(cache, chain, query('nx.example.org', QType.A)).result;
  const labels = 'server="dns://:53",zones="example.org.,example.net.",view=""';
  const want = [
    `coredns_cache_requests_total{${labels}} 5`,
    `coredns_cache_misses_total{${labels}} 2`,
    `coredns_cache_hits_total{server="dns://:53",type="success",zones="example.org.,example.net.",view=""} 2`,
    `coredns_cache_hits_total{server="dns://:53",type="denial",zones="example.org.,example.net.",view=""} 1`,
    `coredns_cache_entries{server="dns://:53",type="denial",zones="example.org.,example.net.",view=""} 1`,
  ];
  let text = await registry.metrics();
  for (const line of want) assert.ok(text.includes(line + '\n'), line);
  await ask(cache, chain, query('www.example.org', QType.A)).result;
  untrack();
  text = await registry.metrics();
  assert.ok(text.includes(`coredns_cache_requests_total{${labels}} 6\n`), 'counts left at retirement are published');
});
