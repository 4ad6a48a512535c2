import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Next, QType, reply } from '@chaindns/core';
import { A, Recorder } from '@chaindns/core/testing';
import type { Cache } from '../src/index.js';
import { Clock, makeCache, query } from './chain.js';

// A full collection on demand, without starting node with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const answer: Next = (req, w) => {
  w.write(reply(req, { answers: [A(`${req.qname} 300 IN A 192.0.2.1`)] }));
  return 0;
};

/**
 * Under a flood of new names every miss evicts an entry, so the old
 * generation collects an entry's worth of garbage per miss and V8 lets the
 * heap grow in proportion to what stays alive: the size of an entry is the
 * size of the cache's footprint.
 */
// About 450 bytes, and since a hit copies the reply through a view kept with the entry (60 ns less
// a hit, bench/hotpath.js), about 600: the bound leaves room for the collector's noise.
test('a cached entry costs the heap under 700 bytes (its reply bytes are outside it)', async () => {
  const N = 5000;
  let cache: Cache | null = makeCache(`cache {\n success ${N}\n }`, new Clock());
  const fill = async (c: Cache, prefix: string): Promise<void> => {
    for (let i = 0; i < N; i++) await c.serveDNS(query(`${prefix}${i}.example.org`, QType.A), new Recorder(), answer);
  };
  await fill(cache, 'warm');
  const warm = heapAfterGc();
  await fill(cache, 'flood'); // every query a miss that evicts an entry
  const full = heapAfterGc();
  assert.equal(cache.source.size('success'), N);
  assert.ok(full - warm < N * 50, `the heap does not grow while every entry is replaced (${warm} -> ${full} bytes)`);
  cache = null;
  const perEntry = (full - heapAfterGc()) / N;
  assert.ok(perEntry < 700, `${perEntry.toFixed(0)} bytes of heap per entry`);
});
