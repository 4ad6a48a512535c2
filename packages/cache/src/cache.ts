import { deriveRequest, EndpointSet, QType, type Handler, type Logger, matchZone, type Next, type Request, type ResponseWriter, type Result, silentLogger } from '@chaindns/core';
import { cacheKey, type Entry, type Kind, makeEntry, serveEntry } from './entry.js';
import { Flight, type FlightHost } from './flight.js';
import { CacheCounts, type CacheSource } from './metrics.js';
import { type Inspection, questionMatches, type ResponseType, setTtls } from './response.js';
import type { CacheConfig } from './setup.js';
import { EntryStore } from './store.js';

export interface CacheOptions {
  /** The clock in ms (tests move it). Default `Date.now`. */
  readonly now?: () => number;
  /** How long a `serve_stale ... verify` refresh may take before the stale entry answers: RFC 8767's client response timer. Default 1800 ms. */
  readonly staleAnswerTimeoutMs?: number;
  readonly log?: Logger;
  /** The server's outbound sockets (ctx.outbound): a query from one never waits on a flight. Default none. */
  readonly outbound?: EndpointSet;
}

const KIND_OF: Readonly<Record<ResponseType, Kind | null>> = {
  noerror: 'success',
  delegation: 'success',
  nodata: 'denial',
  nxdomain: 'denial',
  servfail: 'denial',
  error: null,
  meta: null,
};

/**
 * CoreDNS's cache on wire bytes. A fresh hit is synchronous and decode-free
 * (see serveEntry); a miss goes down the chain once per key however many
 * identical queries arrive meanwhile (see Flight).
 */
export class Cache implements Handler, FlightHost {
  readonly name = 'cache';
  readonly flights = new Map<string, Flight>();
  readonly keepTtl: boolean;
  readonly staleAnswerTimeoutMs: number;
  readonly source: CacheSource;
  readonly now: () => number;
  private readonly store: EntryStore;
  private readonly log: Logger;
  private readonly outbound: EndpointSet;
  private readonly everything: boolean;
  private readonly counts = new Map<string, CacheCounts>();
  private lastCounts: CacheCounts | null = null;

  constructor(
    readonly config: CacheConfig,
    options: CacheOptions = {},
  ) {
    this.store = new EntryStore({ success: config.success.capacity, denial: config.denial.capacity });
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.outbound = options.outbound ?? new EndpointSet();
    this.keepTtl = config.keepTtl;
    this.staleAnswerTimeoutMs = options.staleAnswerTimeoutMs ?? 1800;
    this.everything = config.zones.includes('.');
    const store = this.store;
    const counts = this.counts;
    this.source = { zones: config.zones.join(','), counts: () => counts.values(), size: (kind) => store.size(kind) };
  }

  serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
    if (!this.everything && matchZone(this.config.zones, req.qname) === null) return next(req, w);
    const counts = this.countsFor(req.server);
    counts.requests++;
    if (req.qtype === QType.AXFR || req.qtype === QType.IXFR) {
      // A zone transfer is never cached (CoreDNS's Meta), and it is many messages that go out whole,
      // with the zone's TTLs: the writer is not wrapped.
      counts.misses++;
      return next(req, w);
    }
    const entry = this.store.find(req);
    if (entry !== undefined) {
      const now = this.now();
      this.store.touch(entry, now);
      if (now < entry.expires) {
        counts.hits[entry.kind]++;
        const rcode = serveEntry(entry, req, w, this.keepTtl ? entry.ttl : entry.remaining(now), true);
        if (this.config.prefetch !== null && this.shouldPrefetch(entry, now)) this.refresh(entry, req, next, counts);
        return rcode;
      }
      const stale = this.config.serveStale;
      if (stale !== null && now - entry.expires < stale.durationMs) {
        counts.hits[entry.kind]++;
        // verify: ask first, unless a refresh already timed out and is still out.
        if (stale.mode === 'verify' && !entry.refreshing) return this.miss(req, w, next, entry);
        counts.servedStale++;
        const rcode = serveEntry(entry, req, w, this.keepTtl ? entry.ttl : 0, true);
        if (stale.mode === 'immediate' && !entry.refreshing) this.refresh(entry, req, next, counts);
        return rcode;
      }
    }
    counts.misses++;
    return this.miss(req, w, next, null);
  }

  admit(msg: Buffer, insp: Inspection, req: Request): Entry | null {
    const kind = KIND_OF[insp.type];
    const ttl = this.ttlOf(insp);
    // As CoreDNS: every TTL of a reply that passes through becomes the capped one.
    setTtls(msg, insp.ttlOffsets, ttl);
    if (kind === null || insp.truncated || ttl <= 0 || !insp.optLast) return null;
    if (!questionMatches(msg, req)) {
      this.countsFor(req.server).drops++;
      return null;
    }
    if (matchZone(this.config.disable[kind], req.qname) !== null) return null;
    const entry = makeEntry(req, msg, insp, kind, ttl, this.now(), this.store.makeRoom(req, kind));
    this.store.set(entry);
    if (this.store.evicted > 0) this.countsFor(req.server).evictions[kind] += this.store.evicted;
    return entry;
  }

  servedStale(req: Request): void {
    this.countsFor(req.server).servedStale++;
  }

  debug(message: string): void {
    this.log.debug(message);
  }

  /** The capped TTL of a reply, in seconds (CoreDNS's computeTTL, SERVFAIL its own). */
  private ttlOf(insp: Inspection): number {
    if (insp.type === 'servfail') return this.config.servfailTtl;
    const limits = insp.type === 'nodata' || insp.type === 'nxdomain' ? this.config.denial : this.config.success;
    return Math.min(Math.max(insp.msgTtl, limits.minTtl), limits.maxTtl);
  }

  /** CoreDNS's shouldPrefetch: AMOUNT hits with no gap of DURATION, and PERCENTAGE or less of the TTL left. */
  private shouldPrefetch(entry: Entry, now: number): boolean {
    const p = this.config.prefetch!;
    entry.hits = entry.lastSeen < now - p.durationMs ? 1 : entry.hits + 1;
    entry.lastSeen = now;
    if (entry.refreshing || entry.hits < p.amount) return false;
    return entry.remaining(now) <= Math.ceil((p.percentage / 100) * entry.ttl);
  }

  /** Renews `entry` in the background; the query that triggered it has its answer already. */
  private refresh(entry: Entry, req: Request, next: Next, counts: CacheCounts): void {
    // As TCP (CoreDNS does the same), so that the refresh is not cut to a UDP size.
    const copy = deriveRequest(req, req.msg, 'tcp');
    entry.refreshing = true;
    counts.prefetches++;
    new Flight(this, null, copy, null, entry).run(next);
  }

  private miss(req: Request, w: ResponseWriter, next: Next, fallback: Entry | null): Promise<number> {
    // A UDP query's reply may come back truncated: TCP queries wait on their own flight.
    const key = cacheKey(req);
    const flightKey = req.transport === 'tcp' ? key + '\ttcp' : key;
    const pending = this.flights.get(flightKey);
    if (pending !== undefined && !this.outbound.has(req.transport, req.remote)) return pending.join(req, w);
    // A query from one of this server's own outbound sockets is a flight's query come back through a forwarding loop:
    // joined to that flight it would wait on itself. It goes down the chain (to loop, to forward's guard) in a flight
    // of its own that nobody joins.
    const flight = new Flight(this, pending === undefined ? flightKey : null, req, fallback, null);
    if (pending === undefined) this.flights.set(flightKey, flight);
    const answered = flight.join(req, w);
    flight.run(next);
    return answered;
  }

  private countsFor(server: string): CacheCounts {
    const last = this.lastCounts;
    if (last !== null && last.server === server) return last;
    let counts = this.counts.get(server);
    if (counts === undefined) this.counts.set(server, (counts = new CacheCounts(server)));
    return (this.lastCounts = counts);
  }
}
