// The module's, not the global `performance`: in Node.js 20 that is a lazy getter, run on every read.
import { performance } from 'node:perf_hooks';

/**
 * A clock read once per batch of datagrams instead of once or twice per query.
 * A transport that hands over datagrams in batches (udp-native) brackets the
 * synchronous handling of each with `enterBatch()` and `leaveBatch()` (after
 * the batch's answers were sent); inside, `clockNow()` is the batch's start,
 * read when first asked, and `atBatchEnd(fn)` hands every `fn` one reading
 * at its end. Outside a batch (dgram, TCP, a timer, a promise's continuation)
 * `clockNow()` reads the clock and `atBatchEnd` declines, so nothing there
 * costs more than a reading. A reading costs about 40 ns, as much as a tenth
 * of an uncached answer's JavaScript; a plugin that times queries
 * (`prometheus`) and one that keeps deadlines (`forward`) take their times
 * from here.
 */

/** Told the time (performance.now()) once the batch it was registered in has ended. */
export type BatchEnd = (endedAt: number) => void;

/** Batches entered and not yet left (a batch's handler may run another transport's). */
let depth = 0;
/** The current batch's start, read when first asked; NaN until then. */
let startedAt = NaN;
/** The functions to call at the batch's end, `endCount` of them, in slots reused from batch to batch (setting an array's length costs more than a batch's other bookkeeping). */
const ends: (BatchEnd | null)[] = [];
let endCount = 0;

/** Now, as performance.now(); inside a batch, the time it started (one reading for the whole batch). */
export function clockNow(): number {
  if (depth === 0) return performance.now();
  if (startedAt !== startedAt) startedAt = performance.now();
  return startedAt;
}

/**
 * Inside a batch: calls `fn` once the batch has ended, with one reading for
 * every `fn` of the batch, and returns true. Register a function made once, at
 * most once a batch. Outside a batch: false, and `fn` is not called.
 */
export function atBatchEnd(fn: BatchEnd): boolean {
  if (depth === 0) return false;
  ends[endCount++] = fn;
  return true;
}

/** A transport begins handing over one batch of datagrams. */
export function enterBatch(): void {
  depth++;
}

/** The batch's handlers have run and its answers are sent: its `atBatchEnd` functions are called. */
export function leaveBatch(): void {
  if (--depth > 0) return;
  startedAt = NaN;
  if (endCount === 0) return;
  const now = performance.now();
  const n = endCount;
  endCount = 0;
  for (let i = 0; i < n; i++) {
    const fn = ends[i]!;
    ends[i] = null; // holds no handler of a server since stopped
    fn(now);
  }
}
