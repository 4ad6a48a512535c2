// What the dashboard's API sends (GET /api/snapshot, then GET /api/stream, one frame a second):
// the types the server, the page and `chaindns top` share. Counts are queries; times are
// milliseconds; `t` and `...At` are Unix seconds.

/** The query types the dashboard counts by name; every other type is `other`. */
export const TYPES = ['A', 'AAAA', 'PTR', 'SRV', 'MX', 'TXT', 'CNAME', 'NS', 'SOA', 'HTTPS', 'other'] as const;
/** The rcodes the dashboard counts by name; every other rcode is `other`. */
export const RCODES = ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'REFUSED', 'other'] as const;
/** How a search that went through a client's search path ended. */
export const ENDINGS = ['search', 'absolute', 'nxdomain', 'unfinished'] as const;
/** What would remove search-path expansions: autopath, a trailing dot, or `ndots:N` in the pod's dnsConfig. */
export const FIXES = ['autopath', 'trailing_dot', 'ndots:1', 'ndots:2', 'ndots:3', 'ndots:4'] as const;

export type Ended = (typeof ENDINGS)[number];
export type Fix = (typeof FIXES)[number];

/** One second of the server. */
export interface Point {
  readonly t: number;
  /** Queries the dashboard's blocks got. */
  readonly qps: number;
  /** By TYPES and RCODES (zeros while nobody watched: see `watched`). */
  readonly types: readonly number[];
  readonly rcodes: readonly number[];
  /** Latency percentiles from the dashboard's place in the chain to the reply, ms; null without queries or watchers. */
  readonly p50: number | null;
  readonly p99: number | null;
  /** Cache hits / cache requests in this second (coredns_cache_*), null when nothing reached a cache. */
  readonly hitRatio: number | null;
  /** Search-path expansions found in this second. */
  readonly expansions: number;
  /** A page or `chaindns top` was open: types, rcodes and latency were recorded. */
  readonly watched: boolean;
}

/** A heavy hitter of the last minute: `count` within `error` of the truth. */
export interface TopRow {
  readonly key: string;
  readonly count: number;
  readonly error: number;
}

export interface UpstreamRow {
  readonly from: string;
  readonly to: string;
  readonly protocol: 'dns' | 'tls';
  readonly down: boolean;
  readonly fails: number;
  readonly inflight: number;
  /** Queries sent in the last second, and the mean time of the replies of the last 10 seconds (null without one). */
  readonly qps: number;
  readonly rttMs: number | null;
  readonly requests: number;
  readonly responses: number;
}

export interface ClusterRow {
  readonly zones: readonly string[];
  readonly synced: boolean;
  readonly objects: Readonly<Record<string, number>>;
  readonly resources: ReadonlyArray<{ readonly kind: string; readonly state: string; readonly secondsSinceEvent: number | null }>;
}

export interface SearchPathView {
  /** The cluster domains searched for. */
  readonly domains: readonly string[];
  /** The last minute: all queries, and the expansions among them. */
  readonly minute: { readonly queries: number; readonly expansions: number };
  /** Since the start, as the metrics give them. */
  readonly total: {
    readonly expansions: number;
    readonly lookups: Readonly<Record<Ended, number>>;
    readonly saved: Readonly<Record<Fix, number>>;
    readonly added: Readonly<Record<Fix, number>>;
  };
  /** The last minute, by expansions: the clients that cause them, and the names they were after. */
  readonly clients: readonly TopRow[];
  readonly names: readonly TopRow[];
  /** The last minute: queries each fix would have saved (net: ndots may cost some). */
  readonly fixes: Readonly<Record<Fix, number>>;
}

export interface Frame {
  readonly version: string;
  /** When the server started (Unix seconds). */
  readonly startedAt: number;
  readonly point: Point;
  /** Queries since the start. */
  readonly queries: number;
  /** The cache's counters since the start (coredns_cache_hits_total, coredns_cache_requests_total); null without a cache. */
  readonly cache: { readonly hits: number; readonly requests: number } | null;
  /** The last minute's latency histogram: upper bounds (ms; the last is Infinity, sent as null) and counts. */
  readonly latency: { readonly bounds: ReadonlyArray<number | null>; readonly counts: readonly number[]; readonly p50: number | null; readonly p99: number | null };
  readonly upstreams: readonly UpstreamRow[];
  readonly clusters: readonly ClusterRow[];
  /** The last minute's top names, clients and NXDOMAIN names (recorded while watched). */
  readonly top: { readonly names: readonly TopRow[]; readonly clients: readonly TopRow[]; readonly nxdomains: readonly TopRow[] };
  readonly searchPath: SearchPathView;
}

/** GET /api/snapshot: the last five minutes and the current frame. */
export interface Snapshot {
  readonly types: readonly string[];
  readonly rcodes: readonly string[];
  readonly history: readonly Point[];
  readonly frame: Frame;
}
