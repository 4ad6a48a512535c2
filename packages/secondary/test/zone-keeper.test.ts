import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@chaindns/core';
import { eventually } from '@chaindns/core/testing';
import type { Zone } from '@chaindns/file';
import { ZoneKeeper } from '../src/zone-keeper.js';
import { type Script, scriptedPrimary } from './scripted-primary.js';

/** A keeper of example.org without jitter, and what its watchers saw: the serial served (null: none). */
function keeper(...ports: number[]): { keeper: ZoneKeeper; seen: Array<number | null>; logs: string[] } {
  const logs: string[] = [];
  const k = new ZoneKeeper(
    'example.org.',
    ports.map((port) => ({ host: '127.0.0.1', port })),
    createLogger({ sink: (l) => logs.push(l), debug: true }),
    { jitter: () => 0 },
  );
  const seen: Array<number | null> = [];
  k.watch((zone: Zone | null) => seen.push(zone?.soa?.serial ?? null));
  return { keeper: k, seen, logs };
}

test('the first transfer is tried until the primary answers, 250 ms apart and then twice as long', async () => {
  const script: Script = { serial: 1, timers: '3600 600 86400 300', down: true, ixfr: 'whole' };
  const { upstream } = await scriptedPrimary(script);
  const { keeper: k, seen, logs } = keeper(upstream.port);
  try {
    k.start();
    await eventually(() => logs.filter((l) => /masters failed to transfer, retrying in/.test(l)).length >= 2, 3000);
    assert.match(logs.join('\n'), /All 'example.org.' masters failed to transfer, retrying in 0.25s: .*REFUSED[\s\S]*retrying in 0.5s/);
    script.down = false;
    await eventually(() => seen.at(-1) === 1, 3000);
    assert.deepEqual(seen, [null, 1]);
  } finally {
    await k.stop();
    await upstream.stop();
  }
});

test('a primary that cannot answer IXFR is asked for AXFR; the next primary is tried when one fails', async () => {
  const broken: Script = { serial: 1, timers: '1 1 86400 300', down: true, ixfr: 'notimp' };
  const good: Script = { serial: 1, timers: '1 1 86400 300', down: false, ixfr: 'notimp' };
  const a = await scriptedPrimary(broken);
  const b = await scriptedPrimary(good);
  const { keeper: k, seen, logs } = keeper(a.upstream.port, b.upstream.port);
  try {
    k.start();
    await eventually(() => seen.at(-1) === 1, 3000);
    good.serial = 2;
    // The refresh timer (1 s, no jitter here) sees serial 2 at the second primary: IXFR refused, AXFR works.
    await eventually(() => seen.at(-1) === 2, 5000);
    assert.deepEqual(b.asked.slice(0, 1), ['AXFR']);
    assert.ok(b.asked.includes('SOA'));
    assert.deepEqual(b.asked.slice(-2), ['IXFR', 'AXFR']);
    assert.match(logs.join('\n'), /IXFR of example.org. from 127.0.0.1:\d+ failed, trying AXFR: the primary answered NOTIMP/);
    assert.match(logs.join('\n'), /Transferred: example.org. from 127.0.0.1:\d+ \(AXFR, 4 records, serial 2\)/);
  } finally {
    await k.stop();
    await a.upstream.stop();
    await b.upstream.stop();
  }
});

test('checks that fail for the expire interval withdraw the zone; a check that works serves it again, the same serial too', async () => {
  const script: Script = { serial: 5, timers: '1 1 2 300', down: false, ixfr: 'whole' };
  const { upstream } = await scriptedPrimary(script);
  const { keeper: k, seen, logs } = keeper(upstream.port);
  try {
    k.start();
    await eventually(() => seen.at(-1) === 5, 3000);
    script.down = true;
    await eventually(() => seen.at(-1) === null, 6000);
    assert.match(logs.join('\n'), /Failed refresh check of example.org.: .*REFUSED/);
    assert.match(logs.join('\n'), /\[ERROR\] Zone example.org. is expired/);
    script.down = false;
    await eventually(() => seen.at(-1) === 5, 4000);
    assert.deepEqual(seen, [null, 5, null, 5]);
  } finally {
    await k.stop();
    await upstream.stop();
  }
});

test('a NOTIFY checks at once; NOTIFYs during a check make one more check after it', async () => {
  const script: Script = { serial: 1, timers: '3600 600 86400 300', down: false, ixfr: 'whole' };
  const { upstream, asked } = await scriptedPrimary(script);
  const { keeper: k, seen } = keeper(upstream.port);
  try {
    k.notify(); // not started: nothing
    k.start();
    await eventually(() => seen.at(-1) === 1, 3000);
    script.serial = 2;
    k.notify();
    k.notify();
    k.notify();
    await eventually(() => seen.at(-1) === 2, 3000);
    await eventually(() => asked.filter((t) => t === 'SOA').length === 2, 3000);
    await new Promise((r) => setTimeout(r, 200));
    // The first NOTIFY's check (SOA, IXFR), then one more for the two that came meanwhile (SOA: current).
    assert.deepEqual(asked, ['AXFR', 'SOA', 'IXFR', 'SOA']);
  } finally {
    await k.stop();
    await upstream.stop();
  }
});
