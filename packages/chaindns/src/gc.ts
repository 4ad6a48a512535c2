import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ResourceLimits } from 'node:worker_threads';

/** When the binary sets a flag: as it starts, or once it serves (its plugins have started: the kubernetes plugin has synced). */
export type GcPhase = 'start' | 'serving';

/** A V8 flag the binary sets, when, and the node options by which a user has made that choice already. */
interface GcFlag {
  readonly flag: string;
  readonly phase: GcPhase;
  readonly chosen: RegExp;
}

/** The V8 flags the binary sets, each unless `node` was started with its own choice; only flags V8 reads while it runs. */
const GC_FLAGS: readonly GcFlag[] = [
  // Scavenges on the main thread alone. A DNS server's young generation is
  // nearly all garbage (about 0.1% of it survives a scavenge), so helper
  // threads have next to nothing to share and cost a wake-up and a join; on
  // one core (pinned, or a CPU limit) they also queue behind the main thread.
  // Measured at 100k QPS on one core: scavenges of 0.43-0.52 ms became
  // 0.38-0.40. V8 reads it at every scavenge, while the other threading flags
  // are fixed when the heap is set up (`--single-threaded-gc` set late crashes).
  { flag: '--no-parallel-scavenge', phase: 'start', chosen: /^--(no-)?(parallel[-_]scavenge|single[-_]threaded[-_]gc|single[-_]threaded)(=|$)/ },
  // No baseline compiler (Sparkplug), the tier between V8's interpreter and
  // its optimizing compiler. The code a server runs often (a query's path)
  // is optimized either way; what Sparkplug compiles besides is the code run
  // now and then (the health probe's request every second, a reload, a
  // metrics scrape), and its machine code and the compiler's own pages stayed
  // resident: a node-local cache at rest held 1.0 MB less without it, and a
  // cache hit cost the same CPU (bench/hotpath.js, in turn: 889-900 ns
  // against 944-953 ns).
  { flag: '--no-sparkplug', phase: 'start', chosen: /^--(no-)?sparkplug(=|$)/ },
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
  // Set once the server serves, not at start: while the kubernetes plugin
  // builds its index (110,000 objects), V8 under this flag ran 9 full
  // collections (and their concurrent marking) where it runs 2 without, and
  // the CPU to the first answer was 1.10-1.19 s against 0.90-0.98 s. The
  // heap is compacted once instead when the flag is set (settleGc).
  { flag: '--optimize-for-size', phase: 'serving', chosen: /^--(no-)?optimize[-_]for[-_]size(=|$)/ },
];

/** The flags of `phase` that `node` was given no choice about in `execArgv`. */
export function gcFlags(execArgv: readonly string[], phase: GcPhase): string[] {
  return GC_FLAGS.filter((f) => f.phase === phase && !execArgv.some((arg) => f.chosen.test(arg))).map((f) => f.flag);
}

/** The binary's start: the flags of the start. */
export function tuneGc(execArgv: readonly string[] = process.execArgv): void {
  for (const flag of gcFlags(execArgv, 'start')) setFlagsFromString(flag);
}

/**
 * Once the server serves: the flags of serving at once (a flood of new names
 * in the server's first second grew the young generation to 32 MB before
 * them, and it stayed there), and `compactAfterMs` later one full collection
 * that compacts the whole old generation, so the heap the start grew (up to
 * twice what is alive, unlike under --optimize-for-size) is given back then
 * instead of some ten seconds later, when V8's memory reducer finds the
 * process idle. The binary waits a second, so as not to hold back the first
 * answers. Nothing to do when `node` was told.
 * For 10,000 services and 100,000 endpoints (about 33 MB alive) the
 * collection takes about 80 ms (bench/README.md, "Footprint").
 */
export function settleGc(compactAfterMs = 0, execArgv: readonly string[] = process.execArgv): void {
  const flags = gcFlags(execArgv, 'serving');
  if (flags.length === 0) return;
  for (const flag of flags) setFlagsFromString(flag);
  if (compactAfterMs === 0) fullCompactingGc();
  else setTimeout(fullCompactingGc, compactAfterMs).unref();
}

/**
 * A full collection that evacuates every page, as V8's memory reducer does.
 * JavaScript can only ask for one through the `gc` function, which
 * --expose-gc gives to the contexts made after it is set (a throwaway one
 * here), and a forced collection compacts only fragmented pages unless
 * --compact-on-every-full-gc says otherwise for it.
 */
function fullCompactingGc(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
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
