import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QType, Rcode, Registry, reply, type Request } from '@chaindns/core';
import { A, NS, Recorder, SOA, rr } from '@chaindns/core/testing';
import { cacheMetrics } from '../src/index.js';
import { nameHash } from '../src/name.js';
import { type Answer, answerTtls, ask, Clock, FakeChain, makeCache, query } from './chain.js';

const WWW = { answers: [A('www.example.org. 300 IN A 192.0.2.1')] };
const soa = (ttl: number, minimum: number): ReturnType<typeof SOA> => SOA(`example.org. ${ttl} IN SOA ns.example.org. host.example.org. 1 7200 3600 1209600 ${minimum}`);

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
    { name: 'another name', second: query('www.example.net', QType.A), hit: false },
    { name: 'the same letters in other labels', second: query('wwwe.xample.org', QType.A), hit: false },
    { name: 'a capital written as an escape', second: query('www.example.or\\071', QType.A), hit: true },
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

test('names whose hashes collide are told apart by their bytes', async () => {
  // A birthday search over the 30-bit hash finds a pair within some 10^5 names.
  const seen = new Map<number, string>();
  let pair: [string, string] | null = null;
  for (let i = 0; pair === null && i < 1_000_000; i++) {
    const name = `n${i}.example.org`;
    const msg = query(name, QType.A).msg;
    const h = nameHash(msg, msg.length - 4);
    const other = seen.get(h);
    if (other !== undefined) pair = [other, name];
    else seen.set(h, name);
  }
  assert.ok(pair, 'a colliding pair');
  const chain = new FakeChain((req) => reply(req, { answers: [A(`${req.qname} 300 IN A 192.0.2.${req.qname.length}`)] }));
  const cache = makeCache('cache', new Clock());
  for (const name of [...pair, ...pair]) {
    const r = ask(cache, chain, query(name, QType.A));
    await r.result;
    assert.equal(r.recorder.packet().answers?.[0]?.name, name);
  }
  assert.equal(chain.calls.length, 2, 'each name went down the chain once');
});
