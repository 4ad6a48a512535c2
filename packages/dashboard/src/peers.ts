import type { Ended, Fix, SearchPathView, UpstreamRow } from '../page/frame.js';
import type { TopItem } from './space-saving.js';

/** The key under which the primary of `-workers N` gathers the other workers' parts (core's `Workers.gather`). */
export const PEER_KEY = 'dashboard live';

/** What the primary asks each second: the time (Unix ms) and whether someone watches. */
export interface PeerAsk {
  readonly now: number;
  readonly watched: boolean;
}

/** The last minute's heavy hitters of one worker, TOP_CAPACITY of each. */
export interface PeerTops {
  readonly names: readonly TopItem[];
  readonly clients: readonly TopItem[];
  readonly nxdomains: readonly TopItem[];
  readonly amplifiers: readonly TopItem[];
  readonly sought: readonly TopItem[];
}

/**
 * One other worker's part of a second, as it answers the primary's gather:
 * its counts since the last one (summed into the primary's second), its
 * counters since its start, and while watched its view of the last minute.
 */
export interface PeerPart {
  readonly queries: number;
  readonly expansions: number;
  /** By TYPES, RCODES and latency bucket; empty while nobody watches. */
  readonly types: readonly number[];
  readonly rcodes: readonly number[];
  readonly latency: readonly number[];
  readonly cache: { readonly hits: number; readonly requests: number } | null;
  readonly total: SearchPathView['total'];
  readonly watched: {
    readonly tops: PeerTops;
    readonly fixes: Readonly<Record<Fix, number>>;
    readonly upstreams: readonly UpstreamRow[];
  } | null;
}

/**
 * The `n` heaviest keys of several sketches' tops, counts summed. A key a
 * full list (`capacity` rows) lacks may have had up to that list's last
 * count there, which its error includes.
 */
export function mergeTops(lists: readonly (readonly TopItem[])[], capacity: number, n: number): TopItem[] {
  if (lists.length === 1) return lists[0]!.slice(0, n);
  const floors = lists.map((list) => (list.length >= capacity ? list.at(-1)!.count : 0));
  const allFloors = floors.reduce((a, b) => a + b, 0);
  const merged = new Map<string, { count: number; error: number }>();
  lists.forEach((list, i) => {
    for (const item of list) {
      const m = merged.get(item.key);
      if (m) (m.count += item.count), (m.error += item.error - floors[i]!);
      else merged.set(item.key, { count: item.count, error: item.error + allFloors - floors[i]! });
    }
  });
  return [...merged]
    .map(([key, m]) => ({ key, count: m.count, error: m.error }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))
    .slice(0, n);
}

/** The cache's counters summed over the workers; null when none has a cache. */
export function sumCache(own: PeerPart['cache'], peers: readonly PeerPart[]): PeerPart['cache'] {
  let sum = own;
  for (const p of peers) if (p.cache) sum = { hits: (sum?.hits ?? 0) + p.cache.hits, requests: (sum?.requests ?? 0) + p.cache.requests };
  return sum;
}

/** The search-path totals summed over the workers. */
export function sumTotals(own: SearchPathView['total'], peers: readonly PeerPart[]): SearchPathView['total'] {
  const lookups = { ...own.lookups } as Record<Ended, number>;
  const saved = { ...own.saved } as Record<Fix, number>;
  const added = { ...own.added } as Record<Fix, number>;
  let expansions = own.expansions;
  for (const { total } of peers) {
    expansions += total.expansions;
    for (const k of Object.keys(lookups) as Ended[]) lookups[k] += total.lookups[k] ?? 0;
    for (const k of Object.keys(saved) as Fix[]) saved[k] += total.saved[k] ?? 0;
    for (const k of Object.keys(added) as Fix[]) added[k] += total.added[k] ?? 0;
  }
  return { expansions, lookups, saved, added };
}

/**
 * Each upstream once over the workers (each has its own connections and
 * health checks): rates, counts and queries in flight summed, the reply time
 * weighted by each worker's rate, down only when down for every worker.
 */
export function mergeUpstreams(lists: readonly (readonly UpstreamRow[])[]): UpstreamRow[] {
  if (lists.length === 1) return [...lists[0]!];
  const rows = new Map<string, UpstreamRow[]>();
  for (const list of lists) for (const row of list) rows.set(row.to, [...(rows.get(row.to) ?? []), row]);
  return [...rows.values()].map((same) => {
    const sum = (f: (r: UpstreamRow) => number): number => same.reduce((n, r) => n + f(r), 0);
    const timed = same.filter((r) => r.rttMs !== null);
    const weight = timed.reduce((n, r) => n + Math.max(1, r.qps), 0);
    return {
      ...same[0]!,
      down: same.every((r) => r.down),
      fails: Math.max(...same.map((r) => r.fails)),
      inflight: sum((r) => r.inflight),
      qps: sum((r) => r.qps),
      rttMs: timed.length === 0 ? null : timed.reduce((n, r) => n + r.rttMs! * Math.max(1, r.qps), 0) / weight,
      requests: sum((r) => r.requests),
      responses: sum((r) => r.responses),
    };
  });
}
