import { type Registry, type Request, Rcode, VERSION, type Workers } from '@chaindns/core';
import { type Fix, FIXES, type Frame, type Point, RCODES, type Snapshot, TYPES } from '../page/frame.js';
import { addInto, bucketBound, bucketOf, LATENCY_BUCKETS, quantile } from './latency.js';
import type { SearchPathCounts } from './metrics.js';
import { mergeTops, mergeUpstreams, PEER_KEY, type PeerAsk, type PeerPart, type PeerTops, sumCache, sumTotals } from './peers.js';
import { type Lookup, SearchPathClassifier } from './search-path.js';
import { type BlockSources, SourceReader } from './sources.js';
import { WindowedTop } from './space-saving.js';

/** Seconds of history the page gets when it opens. */
export const HISTORY_SECONDS = 300;
/** The tops cover the last minute: six slots of ten seconds. */
const SLOT_SECONDS = 10;
const SLOTS = 6;
/** Counters a top keeps per slot, and the rows it shows. */
const TOP_CAPACITY = 64;
const TOP_ROWS = 10;
/** A snapshot keeps the recording on this long without a stream (a page that polls). */
const POLL_WATCH_MS = 10_000;
/**
 * About how many queries a second are sampled while watched: counted by type
 * and rcode, timed, offered to the tops (names, clients, NXDOMAIN names).
 * Past that, one in N is, with weight N: the rest pass as when nobody
 * watches, so an open page costs a busy server next to nothing. The total
 * and the search-path classifier see every query.
 */
export const SAMPLES_PER_SECOND = 1000;
/** The cluster domain searched for when no block names one and none has `kubernetes`. */
export const DEFAULT_DOMAIN = 'cluster.local.';

const OTHER_TYPE = TYPES.length - 1;
/** TYPES' index of a query type below 256 (A, AAAA, PTR, SRV, MX, TXT, CNAME, NS, SOA, HTTPS, the rest other). */
const TYPE_INDEX = new Uint8Array(256).fill(OTHER_TYPE);
[1, 28, 12, 33, 15, 16, 5, 2, 6, 65].forEach((code, i) => (TYPE_INDEX[code] = i));
const RCODE_INDEX = [0, -1, 2, 1, -1, 3];
const OTHER_RCODE = RCODES.length - 1;

/** One server block with `dashboard`: what it shows of its other plugins, and its cluster domains. */
export interface Block extends BlockSources {
  readonly domains: readonly string[];
}

/**
 * Everything the dashboard knows, for the whole server (every block with
 * `dashboard`, kept across reloads). Idle, the chain pays one counter per
 * query, and the classifier's look at queries under the cluster domain;
 * while a page (or `chaindns top`) is open, `watching` is set and up to
 * SAMPLES_PER_SECOND queries a second are also counted by type and rcode,
 * timed, and offered to the tops. With `-workers N` the primary's is the
 * process's: each second it gathers the other workers' parts (their Live
 * answers instead of ticking on its own) and sums them into its own.
 */
export class Live {
  /** Queries the dashboard's blocks got, since the start. */
  queries = 0;
  /** Set while someone watches: the handler then records every query. */
  watching = false;
  /** While watched, one query in `every` is sampled (weighted by it); `countdown` counts the queries to the next. */
  every = 1;
  countdown = 1;
  /** Samples taken this second (see sample()). */
  private sampled = 0;
  classifier: SearchPathClassifier;
  readonly startedAt = Math.floor(Date.now() / 1000);
  private readonly types = new Float64Array(TYPES.length);
  private readonly rcodes = new Float64Array(RCODES.length);
  /** This second's latencies, and the last minute's, one histogram a second. */
  private latency = new Float64Array(LATENCY_BUCKETS);
  private readonly minute: Float64Array[] = [];
  private readonly names = new WindowedTop(TOP_CAPACITY, SLOTS);
  private readonly clients = new WindowedTop(TOP_CAPACITY, SLOTS);
  private readonly nxdomains = new WindowedTop(TOP_CAPACITY, SLOTS);
  /** Search-path expansions of the last minute, by client and by the name looked for. */
  private readonly amplifiers = new WindowedTop(TOP_CAPACITY, SLOTS);
  private readonly sought = new WindowedTop(TOP_CAPACITY, SLOTS);
  /** What each fix would have saved, per slot (SLOTS rows of FIXES). */
  private readonly fixSlots = new Float64Array(SLOTS * FIXES.length);
  private slot = 0;
  private readonly history: Point[] = [];
  private readonly blocks = new Set<Block>();
  private readonly listeners = new Set<(frame: Frame) => void>();
  private readonly reader: SourceReader;
  private polledAt = -Infinity;
  private last = { queries: 0, expansions: 0, cache: null as { hits: number; requests: number } | null };
  private frame: Frame | null = null;
  private ticking = false;
  /** The other workers' parts of the last second (the primary's), and their expansions not in a point yet. */
  private peers: readonly PeerPart[] = [];
  /** The other workers' queries since the start. */
  private peerQueries = 0;
  private peerExpansions = 0;
  private readonly end: () => void;

  constructor(
    registry: Registry,
    private readonly counts: SearchPathCounts,
    private readonly workers: Workers,
  ) {
    this.reader = new SourceReader(registry);
    this.classifier = this.classifierFor([DEFAULT_DOMAIN]);
    if (workers.index > 0) {
      this.end = workers.provide(PEER_KEY, (ask) => this.part(ask as PeerAsk));
    } else {
      const timer = setInterval(() => void this.tick(), 1000).unref();
      this.end = () => clearInterval(timer);
    }
  }

  /** While watched: whether this query is the one to sample, decided as it comes (its answer may come later). */
  takeSample(): boolean {
    if (--this.countdown > 0) return false;
    // A random gap of `every` on average: a fixed one would beat with a client's own rhythm (A, AAAA, A, AAAA...).
    this.countdown = 1 + Math.floor(Math.random() * (2 * this.every - 1));
    return true;
  }

  /**
   * One query of each `every` while watched: its type, the rcode its client
   * got, its time, its name and client, each weighted by `every` (every query
   * when fewer than SAMPLES_PER_SECOND come).
   */
  sample(req: Request, rcode: number, seconds: number): void {
    const weight = this.every;
    // Load that starts within a second (every was set for the last, quiet one): sample half as often from
    // here, each time a quarter of the second's samples are taken, so a burst costs a few thousand at most.
    if (++this.sampled >= SAMPLES_PER_SECOND / 4) {
      this.every *= 2;
      this.sampled = 0;
    }
    const t = req.qtype;
    const ti = t < 256 ? TYPE_INDEX[t]! : OTHER_TYPE;
    this.types[ti] = this.types[ti]! + weight;
    const ri = rcode < RCODE_INDEX.length && RCODE_INDEX[rcode]! >= 0 ? RCODE_INDEX[rcode]! : OTHER_RCODE;
    this.rcodes[ri] = this.rcodes[ri]! + weight;
    const b = bucketOf(seconds);
    this.latency[b] = this.latency[b]! + weight;
    const qname = req.qname;
    this.names.offer(qname, weight);
    this.clients.offer(req.remote.address, weight);
    if (rcode === Rcode.NXDOMAIN) this.nxdomains.offer(qname, weight);
    if (this.classifier.wants(req)) this.classifier.observe(req.remote.address, qname, rcode);
  }

  /** One query the classifier wants (see SearchPathClassifier.wants), not watched. */
  observe(req: Request, rcode: number): void {
    this.classifier.observe(req.remote.address, req.qname, rcode);
  }

  /** Shows `block` until the returned function is called (its config is retired). */
  attach(block: Block): () => void {
    this.blocks.add(block);
    this.retarget();
    return () => {
      this.blocks.delete(block);
      this.retarget();
    };
  }

  /** Calls `listener` with each frame, a second apart, until the returned function is called. */
  subscribe(listener: (frame: Frame) => void): () => void {
    this.listeners.add(listener);
    if (!this.watching) this.restart();
    this.watching = true;
    return () => {
      this.listeners.delete(listener);
      this.watching = this.wanted();
    };
  }

  get streams(): number {
    return this.listeners.size;
  }

  /** The history and the current frame; it keeps the recording on for a while, as a stream does. */
  async snapshot(): Promise<Snapshot> {
    this.polledAt = performance.now();
    if (!this.watching) this.restart();
    this.watching = true;
    // Before the first watched second: the last second as it was, without its types, rcodes and latency.
    const last = this.history.at(-1) ?? { t: Math.floor(Date.now() / 1000), qps: 0, types: [], rcodes: [], p50: null, p99: null, hitRatio: null, expansions: 0, watched: false };
    const frame = this.frame ?? (await this.buildFrame(last, false));
    return { types: TYPES, rcodes: RCODES, history: this.history, frame };
  }

  /** Watching starts again: rates across the unwatched gap would mislead. */
  private restart(): void {
    this.reader.reset();
    this.last.cache = null;
  }

  stop(): void {
    this.end();
  }

  private wanted(): boolean {
    return this.listeners.size > 0 || performance.now() - this.polledAt < POLL_WATCH_MS;
  }

  /** The cluster domains of every block; a new set starts a new classifier (searches in progress are dropped). */
  private retarget(): void {
    const domains = [...new Set([...this.blocks].flatMap((b) => b.domains))].sort();
    const want = domains.length > 0 ? domains : [DEFAULT_DOMAIN];
    if (want.join(' ') !== this.classifier.domains.join(' ')) this.classifier = this.classifierFor(want);
  }

  private classifierFor(domains: readonly string[]): SearchPathClassifier {
    return new SearchPathClassifier(domains, (lookup) => this.found(lookup));
  }

  private found(lookup: Lookup): void {
    this.counts.count(lookup);
    this.amplifiers.offer(lookup.client, lookup.expansions);
    this.sought.offer(lookup.name, lookup.expansions);
    const row = this.slot * FIXES.length;
    FIXES.forEach((fix, i) => (this.fixSlots[row + i] = this.fixSlots[row + i]! + lookup.saved[fix]));
  }

  /** Once a second: a point of history, the windows moved on, and a frame for whoever watches. */
  async tick(nowMs = Date.now()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Math.floor(nowMs / 1000);
      const watched = this.watching;
      this.peers = (await this.workers.gather(PEER_KEY, { now: nowMs, watched } satisfies PeerAsk)) as PeerPart[];
      this.classifier.tick(now);
      const point = this.point(now, watched);
      this.history.push(point);
      if (this.history.length > HISTORY_SECONDS) this.history.shift();
      if (now % SLOT_SECONDS === 0) this.rotate();
      const wanted = this.wanted();
      if (wanted && !watched) this.restart();
      this.watching = wanted;
      if (!watched) {
        this.frame = null;
        return;
      }
      const frame = await this.buildFrame(point, true);
      this.frame = frame;
      for (const listener of this.listeners) listener(frame);
    } finally {
      this.ticking = false;
    }
  }

  /** This second's point, the other workers' parts summed in; the per-second counts start again. */
  private point(t: number, watched: boolean): Point {
    const expansions = this.counts.expansions;
    const own = this.queries - this.last.queries;
    let peerQueries = 0;
    for (const part of this.peers) {
      peerQueries += part.queries;
      this.peerExpansions += part.expansions;
      addInto(this.types, part.types);
      addInto(this.rcodes, part.rcodes);
      addInto(this.latency, part.latency);
    }
    const p: Point = {
      t,
      qps: own + peerQueries,
      types: Array.from(this.types),
      rcodes: Array.from(this.rcodes),
      p50: toMs(quantile(this.latency, 0.5)),
      p99: toMs(quantile(this.latency, 0.99)),
      hitRatio: null,
      expansions: Math.max(0, expansions - this.last.expansions) + this.peerExpansions,
      watched,
    };
    this.peerQueries += peerQueries;
    this.last.queries = this.queries;
    this.last.expansions = expansions;
    this.peerExpansions = 0;
    // The next second samples as many queries as this thread's would have needed.
    this.every = Math.max(1, Math.ceil(own / SAMPLES_PER_SECOND));
    this.sampled = 0;
    this.types.fill(0);
    this.rcodes.fill(0);
    this.minute.push(this.latency);
    if (this.minute.length > 60) this.minute.shift();
    this.latency = new Float64Array(LATENCY_BUCKETS);
    return p;
  }

  private rotate(): void {
    for (const top of [this.names, this.clients, this.nxdomains, this.amplifiers, this.sought]) top.rotate();
    this.slot = (this.slot + 1) % SLOTS;
    this.fixSlots.fill(0, this.slot * FIXES.length, (this.slot + 1) * FIXES.length);
  }

  /**
   * A worker's answer to the primary's gather (`ask`): its second since the last (the primary's
   * clock moves its windows), and while watched its view of the last minute.
   */
  private async part(ask: PeerAsk): Promise<PeerPart> {
    const now = Math.floor(ask.now / 1000);
    if (ask.watched && !this.watching) this.restart();
    const watched = this.watching;
    this.watching = ask.watched;
    this.classifier.tick(now);
    const latency = Array.from(this.latency);
    const point = this.point(now, watched);
    if (now % SLOT_SECONDS === 0) this.rotate();
    const tops = (top: WindowedTop) => top.top(TOP_CAPACITY);
    return {
      queries: point.qps,
      expansions: point.expansions,
      types: watched ? point.types : [],
      rcodes: watched ? point.rcodes : [],
      latency: watched ? latency : [],
      cache: await this.reader.cache(),
      total: this.ownTotal(),
      watched: watched
        ? {
            tops: { names: tops(this.names), clients: tops(this.clients), nxdomains: tops(this.nxdomains), amplifiers: tops(this.amplifiers), sought: tops(this.sought) },
            fixes: this.minuteFixes(),
            upstreams: this.reader.upstreams(this.blocks),
          }
        : null,
    };
  }

  /** This thread's search-path counters since the start. */
  private ownTotal(): Frame['searchPath']['total'] {
    return { expansions: this.counts.expansions, lookups: { ...this.counts.lookups }, saved: { ...this.counts.saved }, added: { ...this.counts.added } };
  }

  /** What each fix would have saved in the last minute, on this thread. */
  private minuteFixes(): Record<Fix, number> {
    const fixes = {} as Record<Fix, number>;
    FIXES.forEach((fix, i) => {
      let n = 0;
      for (let s = 0; s < SLOTS; s++) n += this.fixSlots[s * FIXES.length + i]!;
      fixes[fix] = n;
    });
    return fixes;
  }

  /** The frame of `point`; `current`: it is this second's, which takes the cache's ratio into the history. */
  private async buildFrame(point: Point, current: boolean): Promise<Frame> {
    const peers = this.peers;
    const cache = sumCache(await this.reader.cache(), peers);
    let withRatio = point;
    if (current) {
      const prev = this.last.cache;
      const asked = cache && prev ? cache.requests - prev.requests : 0;
      this.last.cache = cache;
      withRatio = { ...point, hitRatio: asked > 0 ? (cache!.hits - prev!.hits) / asked : null };
      if (this.history.at(-1)?.t === point.t) this.history[this.history.length - 1] = withRatio;
    }
    const histogram = new Float64Array(LATENCY_BUCKETS);
    for (const second of this.minute) addInto(histogram, second);
    const minuteQueries = this.history.slice(-SLOTS * SLOT_SECONDS).reduce((n, p) => n + p.qps, 0);
    const minuteExpansions = this.history.slice(-SLOTS * SLOT_SECONDS).reduce((n, p) => n + p.expansions, 0);
    const fixes = this.minuteFixes();
    const watchedPeers = peers.flatMap((p) => (p.watched ? [p.watched] : []));
    for (const peer of watchedPeers) for (const fix of FIXES) fixes[fix] += peer.fixes[fix] ?? 0;
    const rows = (top: WindowedTop, theirs: keyof PeerTops) => mergeTops([top.top(TOP_CAPACITY), ...watchedPeers.map((p) => p.tops[theirs])], TOP_CAPACITY, TOP_ROWS);
    return {
      version: VERSION,
      startedAt: this.startedAt,
      point: withRatio,
      queries: this.queries + this.peerQueries,
      cache,
      latency: {
        bounds: Array.from({ length: LATENCY_BUCKETS }, (_, i) => (i === LATENCY_BUCKETS - 1 ? null : bucketBound(i) * 1000)),
        counts: Array.from(histogram),
        p50: toMs(quantile(histogram, 0.5)),
        p99: toMs(quantile(histogram, 0.99)),
      },
      upstreams: mergeUpstreams([this.reader.upstreams(this.blocks), ...watchedPeers.map((p) => p.upstreams)]),
      clusters: this.reader.clusters(this.blocks, Date.now()),
      top: { names: rows(this.names, 'names'), clients: rows(this.clients, 'clients'), nxdomains: rows(this.nxdomains, 'nxdomains') },
      searchPath: {
        domains: this.classifier.domains,
        minute: { queries: minuteQueries, expansions: minuteExpansions },
        total: sumTotals(this.ownTotal(), peers),
        clients: rows(this.amplifiers, 'amplifiers'),
        names: rows(this.sought, 'sought'),
        fixes,
      },
    };
  }
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}
