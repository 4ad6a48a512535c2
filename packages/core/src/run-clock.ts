// The module's, not the global `performance`: in Node.js 20 that is a lazy getter, run on every read.
import { performance } from 'node:perf_hooks';

/**
 * A clock read once per run instead of once or twice per query. A run is one
 * synchronous stretch of JavaScript and the microtasks it queued: the handling
 * of one batch of datagrams on the native transport (its answers sent at the
 * batch's end), one datagram on `dgram`, a stream's read, a timer. A clock read
 * costs about as much as a third of the JavaScript of an answer, so a plugin
 * that times queries (prometheus) takes both ends from here.
 */

/** Told the time (performance.now()) once the run it was registered in has ended. */
export type RunEnd = (endedAt: number) => void;

const RESOLVED = Promise.resolve();
/** The current run's start, read when first asked; NaN until then. */
let startedAt = NaN;
/** An end is queued for the current run. */
let ending = false;
/** The functions to call at the current run's end, `endCount` of them; past those, spent slots (null), reused: setting an array's length costs more than a batch's other bookkeeping. */
const ends: (RunEnd | null)[] = [];
let endCount = 0;

/**
 * When the current run started, as performance.now(): the first time any code
 * of the run asked (for a batch of queries: when its first query reached the
 * asking plugin). One clock read per run.
 */
export function runStartedAt(): number {
  if (startedAt !== startedAt) {
    startedAt = performance.now();
    queueEnd();
  }
  return startedAt;
}

/**
 * Calls `fn` once the current run has ended (its synchronous work done and, on
 * the native transport, the batch's answers sent), with one clock read for
 * every `fn` of the run. Register a function made once, at most once a run.
 */
export function atRunEnd(fn: RunEnd): void {
  ends[endCount++] = fn;
  queueEnd();
}

function queueEnd(): void {
  if (ending) return;
  ending = true;
  void RESOLVED.then(endRun);
}

function endRun(): void {
  ending = false;
  startedAt = NaN;
  if (endCount === 0) return;
  const now = performance.now();
  // An `fn` that registers again (it should not) is called in this loop, not lost.
  for (let i = 0; i < endCount; i++) {
    const fn = ends[i]!;
    ends[i] = null; // holds no handler of a server since stopped
    fn(now);
  }
  endCount = 0;
}
