import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { atBatchEnd, clockNow, enterBatch, leaveBatch } from '../src/batch-clock.js';

/** Holds the thread for `ms` (a slow synchronous handler). */
function spin(ms: number): void {
  for (const until = performance.now() + ms; performance.now() < until; );
}

test('clockNow: one reading for a whole batch, the clock itself outside one', () => {
  const before = performance.now();
  enterBatch();
  const first = clockNow();
  spin(5);
  assert.equal(clockNow(), first, 'the same batch, the same time, however long it takes');
  assert.ok(first >= before);
  leaveBatch();
  const outside = clockNow();
  assert.ok(outside >= first + 5, `outside a batch the clock moves (${outside - first} ms)`);
  spin(2);
  assert.ok(clockNow() >= outside + 2);
  enterBatch();
  assert.ok(clockNow() >= outside + 2, 'the next batch has a time of its own');
  leaveBatch();
});

test('atBatchEnd: called when the outermost batch is left, with one reading for every function', () => {
  const ends: number[] = [];
  enterBatch();
  const start = clockNow();
  assert.equal(atBatchEnd((at) => ends.push(at)), true);
  enterBatch(); // a handler of this batch running another transport's
  assert.equal(atBatchEnd((at) => ends.push(at)), true);
  spin(5);
  leaveBatch();
  assert.deepEqual(ends, [], 'not while the outer batch goes on');
  leaveBatch();
  assert.equal(ends.length, 2);
  assert.equal(ends[0], ends[1], 'one clock reading for the batch');
  assert.ok(ends[0]! - start >= 5, `the batch's end is after its work (${ends[0]! - start} ms)`);
  enterBatch();
  leaveBatch();
  assert.equal(ends.length, 2, 'a registration ends with its batch');
});

test('atBatchEnd: declines outside a batch, and the function is never called', () => {
  let called = false;
  assert.equal(atBatchEnd(() => (called = true)), false);
  enterBatch();
  leaveBatch();
  assert.equal(called, false);
});
