import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

/** A V8 flag the binary sets at start, and the node options by which a user has made that choice already. */
interface GcFlag {
  readonly flag: string;
  readonly chosen: RegExp;
}

/** The V8 flags the binary sets at start, each unless `node` was started with its own choice; only flags V8 reads while it runs. */
const GC_FLAGS: readonly GcFlag[] = [
  // Scavenges on the main thread alone. A DNS server's young generation is
  // nearly all garbage (about 0.1% of it survives a scavenge), so helper
  // threads have next to nothing to share and cost a wake-up and a join; on
  // one core (pinned, or a CPU limit) they also queue behind the main thread.
  // Measured at 100k QPS on one core: scavenges of 0.43-0.52 ms became
  // 0.38-0.40. V8 reads it at every scavenge, while the other threading flags
  // are fixed when the heap is set up (`--single-threaded-gc` set late crashes).
  { flag: '--no-parallel-scavenge', chosen: /^--(no-)?(parallel[-_]scavenge|single[-_]threaded[-_]gc|single[-_]threaded)(=|$)/ },
  // A heap that tracks what is alive. Under a flood of new names every miss
  // evicts a cache entry, so garbage reaches the old generation at the rate
  // of the misses. By default V8 then grows the young generation to 32 MB and
  // keeps it, and lets the old one reach up to four times what survives a
  // full collection before it collects: 200,000 new names left the process
  // 50-55 MB above its idle RSS, and it stayed there. With this flag V8 grows
  // the old generation conservatively and every full collection compacts and
  // shrinks the young generation back: +14 MB after 200,000 names; after a
  // million, a peak of +31 MB and +6 MB after 10 s idle. Cache hits bring no
  // full collection; they cost 0.4% more CPU in process (median of the best
  // runs) and 2% fewer hits per core over sockets. The sizes themselves
  // (--max-semi-space-size) cannot be set here: V8 fixes them before any
  // JavaScript runs.
  { flag: '--optimize-for-size', chosen: /^--(no-)?optimize[-_]for[-_]size(=|$)/ },
];

export function gcFlags(execArgv: readonly string[]): string[] {
  return GC_FLAGS.filter((f) => !execArgv.some((arg) => f.chosen.test(arg))).map((f) => f.flag);
}

export function tuneGc(execArgv: readonly string[] = process.execArgv): void {
  for (const flag of gcFlags(execArgv)) setFlagsFromString(flag);
}

/** The young generation the image gives the process (`--max-semi-space-size=2`: two 2 MB semi-spaces and as much for large young objects). */
export const WORKER_YOUNG_GENERATION_MB = 6;

const YOUNG_CHOSEN = /^--(max|min)[-_](semi[-_]space|young[-_]generation)[-_]size(=|$)/;

/**
 * The heap limits of a worker thread of `-workers N`. V8 fixes the primary's young generation
 * before any JavaScript runs, and a worker inherits the process's `--max-semi-space-size`; without
 * one each worker's young generation grows to V8's default, 32 MB (16 MB semi-spaces) under load.
 * A worker's limits are its own, though: unless node was told a size (in its arguments or
 * NODE_OPTIONS), each worker gets the image's.
 */
export function workerResourceLimits(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): ResourceLimits | undefined {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)];
  return given.some((arg) => YOUNG_CHOSEN.test(arg)) ? undefined : { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
}
