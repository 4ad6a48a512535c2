/** The smallest bucket's upper bound: 16 µs. */
const BASE_SECONDS = 16e-6;
/** Buckets per doubling: each bound is 19% above the one before, the error of a percentile read from them. */
const PER_DOUBLING = 4;
/** 16 µs to about 16 s, then one bucket for anything slower. */
export const LATENCY_BUCKETS = 20 * PER_DOUBLING + 1;

/** The upper bound of bucket `i`, in seconds (Infinity for the last). */
export function bucketBound(i: number): number {
  return i >= LATENCY_BUCKETS - 1 ? Infinity : BASE_SECONDS * 2 ** (i / PER_DOUBLING);
}

/** The bucket of a duration in seconds. */
export function bucketOf(seconds: number): number {
  if (!(seconds > BASE_SECONDS)) return 0;
  const i = Math.ceil(PER_DOUBLING * Math.log2(seconds / BASE_SECONDS) - 1e-9);
  return i < LATENCY_BUCKETS - 1 ? i : LATENCY_BUCKETS - 1;
}

/**
 * The `q` quantile (0..1) of a histogram, in seconds: the upper bound of the
 * bucket it falls in (the slowest bucket reports the bound below it); null
 * when the histogram is empty.
 */
export function quantile(counts: ArrayLike<number>, q: number): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return i === counts.length - 1 ? bucketBound(i - 1) : bucketBound(i);
  }
  return bucketBound(counts.length - 2);
}

/** Adds `from` into `to`, bucket by bucket (an empty `from`, a worker's second unwatched, adds nothing). */
export function addInto(to: Float64Array, from: ArrayLike<number>): void {
  for (let i = 0; i < from.length; i++) to[i] = to[i]! + from[i]!;
}
