import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { buildQuery, definePlugin, parseRequest, QType, Rcode, reply, Request } from '@chaindns/core';
import { A, SOA, startTestServer } from '@chaindns/core/testing';
import { type Cache, cache, type CacheConfig } from '../src/index.js';
import { relay } from './relay.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes of objects alive after full collections, compiled code aside (the JIT still works as the flood goes on). */
function liveHeap(): number {
  gc();
  gc();
  return getHeapSpaceStatistics().reduce((sum, space) => (space.space_name === 'old_space' || space.space_name === 'new_space' ? sum + space.space_used_size : sum), 0);
}

/**
 * Sends `count` queries for names never asked before to `port`, `window` at a
 * time (a new one for each reply; 2 s without any reply fails), calling
 * `sample` after every reply.
 */
async function flood(port: number, from: number, count: number, window: number, sample: () => void): Promise<void> {
  const socket = dgram.createSocket('udp4');
  let sent = 0;
  let answered = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let timer = setTimeout(() => reject(new Error(`stalled at ${answered} of ${count} replies`)), 2000);
      const send = (): void => {
        const i = from + sent++;
        socket.send(buildQuery(`f${i}.flood.example`, QType.A, { id: i & 0xffff }), port, '127.0.0.1');
      };
      socket.on('message', () => {
        answered++;
        sample();
        timer.refresh();
        if (answered === count) {
          clearTimeout(timer);
          resolve();
        } else if (sent < count) send();
      });
      socket.bind(0, '127.0.0.1', () => {
        while (sent < Math.min(window, count)) send();
      });
      timer = timer.unref();
    });
  } finally {
    socket.close();
  }
}

test('a flood of new names leaves the cache and its flights within bounds, and the heap where it was', async () => {
  const CAPACITY = 200;
  const WINDOW = 64;
  // Every third name does not exist, so the denial cache churns too. A bare
  // socket: the core's test upstream keeps every query it gets.
  const upstream = dgram.createSocket('udp4');
  upstream.on('message', (raw, rinfo) => {
    const q = parseRequest(raw, 'udp', { address: rinfo.address, port: rinfo.port, family: 4 });
    if (!(q instanceof Request)) return;
    const nx = Number(/^f(\d+)/.exec(q.qname)?.[1] ?? 0) % 3 === 0;
    const answer = nx ? { rcode: Rcode.NXDOMAIN, authorities: [SOA('flood.example. 300 IN SOA ns.flood.example. host.flood.example. 1 7200 3600 1209600 300')] } : { answers: [A(`${q.qname} 300 IN A 192.0.2.1`)] };
    upstream.send(reply(q, answer), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
  let handler: Cache | null = null;
  const tracked = definePlugin<CacheConfig>({
    ...cache,
    setup(config, ctx) {
      const h = cache.setup(config, ctx) as Cache;
      handler = h;
      return h;
    },
  });
  const s = await startTestServer(`. {\n cache {\n  success ${CAPACITY}\n  denial ${CAPACITY}\n }\n relay ${upstream.address().port}\n}`, { plugins: [tracked, relay] });
  try {
    const c = handler!;
    let flights = 0;
    const sample = (): void => {
      flights = Math.max(flights, c.flights.size);
    };
    await flood(s.port, 0, 3000, WINDOW, sample); // warm: compiled, caches full
    // Two rounds of 4000, the smaller growth counts: what is kept per query
    // grows in both, while a one-off (V8 optimizing late on a busy machine,
    // its metadata in the old generation) lands in one.
    const growth: number[] = [];
    for (const from of [3000, 7000]) {
      const before = liveHeap();
      await flood(s.port, from, 4000, WINDOW, sample);
      growth.push(liveHeap() - before);
    }
    assert.ok(flights <= WINDOW, `at most one flight per query in flight (${flights})`);
    assert.equal(c.flights.size, 0, 'no flight outlives its reply');
    assert.equal(c.source.size('success'), CAPACITY);
    assert.equal(c.source.size('denial'), CAPACITY);
    // Anything kept per query (a Request is some 200 bytes) shows over 4000 more misses.
    assert.ok(Math.min(...growth) < 4000 * 64, `the heap grew by ${growth.join(' and ')} bytes over two rounds of 4000 new names`);
  } finally {
    await s.stop();
    upstream.close();
  }
});
