import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { atRunEnd, runStartedAt } from '../src/run-clock.js';

/** Holds the thread for `ms` (a slow synchronous handler). */
function spin(ms: number): void {
  for (const until = performance.now() + ms; performance.now() < until; );
}

const nextRun = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('runStartedAt: one reading for the whole synchronous run, a later one for the next run', async () => {
  await nextRun();
  const before = performance.now();
  const first = runStartedAt();
  spin(5);
  assert.equal(runStartedAt(), first, 'the same run, the same start, however long it takes');
  assert.ok(first >= before);
  await nextRun();
  const next = runStartedAt();
  assert.ok(next >= first + 5, `the next run starts later (${next - first} ms)`);
});

test('atRunEnd: called once the run has ended, with the time then, once for each registration', async () => {
  await nextRun();
  const ends: number[] = [];
  const start = runStartedAt();
  atRunEnd((at) => ends.push(at));
  atRunEnd((at) => ends.push(at));
  spin(5);
  assert.deepEqual(ends, [], 'not while the run goes on');
  await nextRun();
  assert.equal(ends.length, 2);
  assert.equal(ends[0], ends[1], 'one clock reading for every function of the run');
  assert.ok(ends[0]! - start >= 5, `the run's end is after its work (${ends[0]! - start} ms)`);
  await nextRun();
  assert.equal(ends.length, 2, 'a registration ends with its run');
});

test('atRunEnd: a run of microtasks ends after them, and a run started in one ends too', async () => {
  await nextRun();
  const seen: string[] = [];
  const first = runStartedAt();
  atRunEnd(() => seen.push('first run'));
  await Promise.resolve(); // the first run's end comes before this continuation
  const second = runStartedAt();
  assert.ok(second >= first);
  atRunEnd(() => seen.push('second run'));
  await nextRun();
  assert.deepEqual(seen, ['first run', 'second run']);
});
