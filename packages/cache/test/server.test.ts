import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildQuery, QType } from '@chaindns/core';
import { A, decodeReply, exchangeUdp, startTestServer, startTestUpstream, type TestServer, type TestUpstream } from '@chaindns/core/testing';
import type * as dnsPacket from 'dns-packet';
import { cache } from '../src/index.js';
import { loopback } from './loopback.js';
import { relay } from './relay.js';

const many = Array.from({ length: 40 }, (_, i) => A(`big.example.org. 300 IN A 192.0.2.${i + 1}`));
let upstream: TestUpstream;
let s: TestServer;
let delayMs = 0;

before(async () => {
  upstream = await startTestUpstream({
    handler: async (q) => {
      const question = q.questions![0]!;
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const answers = question.name.toLowerCase() === 'big.example.org' ? many : [A(`${question.name} 300 IN A 192.0.2.1`)];
      return { id: q.id, type: 'response', flags: 0x0400 | 0x0100 | 0x0080, questions: q.questions, answers } as dnsPacket.Packet;
    },
  });
  s = await startTestServer(`. {\n cache\n relay ${upstream.port}\n}`, { plugins: [cache, relay] });
});
after(async () => {
  await s.stop();
  await upstream.stop();
});

const upstreamCount = (name: string): number => upstream.received.filter((r) => decodeReply(r.msg).packet.questions?.[0]?.name.toLowerCase() === name).length;

for (const transport of ['udp', 'tcp'] as const) {
  test(`over ${transport}: the second query is a hit, in the client's letter case`, async () => {
    const name = `${transport}.example.org`;
    const first = await s.query(name, 'A', { transport, id: 1 });
    const second = await s.query(name.toUpperCase(), 'A', { transport, id: 2 });
    assert.equal(upstreamCount(name), 1);
    assert.equal(second.packet.id, 2);
    assert.equal(second.packet.questions?.[0]?.name, name.toUpperCase());
    assert.deepEqual((second.packet.answers?.[0] as { data: string }).data, (first.packet.answers?.[0] as { data: string }).data);
  });
}

test('a big cached answer is fitted to each client: TC on plain UDP, whole over TCP or EDNS', async () => {
  const full = await s.query('big.example.org', 'A', { transport: 'tcp' });
  assert.equal(full.packet.answers?.length, 40);
  const small = await s.query('big.example.org', 'A');
  assert.equal((small.packet.flags ?? 0) & 0x200, 0x200, 'TC');
  assert.ok(small.msg.length <= 512);
  const edns = await s.query('big.example.org', 'A', { edns: { udpSize: 4096 } });
  assert.equal(edns.packet.answers?.length, 40);
  assert.equal((edns.packet.flags ?? 0) & 0x200, 0);
  assert.equal(upstreamCount('big.example.org'), 1, 'all three from one upstream query');
});

test('identical queries arriving together go upstream once', async () => {
  delayMs = 100;
  try {
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => exchangeUdp(s.port, buildQuery('together.example.org', QType.A, { id: 1000 + i }))));
    assert.deepEqual(replies.map((r) => r.readUInt16BE(0)), Array.from({ length: 20 }, (_, i) => 1000 + i));
    assert.ok(replies.every((r) => decodeReply(r).packet.answers?.length === 1));
  } finally {
    delayMs = 0;
  }
  assert.equal(upstreamCount('together.example.org'), 1);
});

test('the server registry shows the cache metrics', async () => {
  await s.query('metrics.example.org', 'A');
  await s.query('metrics.example.org', 'A');
  const text = await s.server.registry.metrics();
  assert.match(text, new RegExp(`coredns_cache_hits_total\\{server="dns://:${s.port}",type="success",zones=".",view=""\\} [1-9]`));
  assert.match(text, /coredns_cache_entries\{server="[^"]+",type="success",zones=".",view=""\} [1-9]/);
});

test('a forwarding loop behind the cache: the query that comes back is not made to wait on the one it came from', async () => {
  const looping = await startTestServer('. {\n cache\n loopback\n}', { plugins: [cache, loopback] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      const start = performance.now();
      const r = await looping.query(`${transport}.loop.example`, 'A', { transport, timeoutMs: 5000 });
      const ms = performance.now() - start;
      // The loop's own refusal comes back round at once (joined to the first, it would wait 2s for itself, then SERVFAIL).
      assert.equal(r.rcode, 5, `${transport}: rcode ${r.rcode} after ${Math.round(ms)}ms`);
      assert.ok(ms < 1000, `${transport}: answered after ${Math.round(ms)}ms`);
    }
  } finally {
    await looping.stop();
  }
});
