import type { Next, Request, ResponseWriter, Result } from '@chaindns/core';
import { type Entry, personalize, serveEntry } from './entry.js';
import { inspect, questionMatches, type Inspection } from './response.js';

/** What a flight needs from its cache. */
export interface FlightHost {
  readonly flights: Map<string, Flight>;
  readonly keepTtl: boolean;
  readonly staleAnswerTimeoutMs: number;
  now(): number;
  /** Caches `msg` (a reply for `req`) when it may be; rewrites its TTLs as CoreDNS does. */
  admit(msg: Buffer, insp: Inspection, req: Request): Entry | null;
  servedStale(req: Request): void;
  debug(message: string): void;
}

interface Participant {
  readonly req: Request;
  readonly w: ResponseWriter;
  resolve(rcode: number): void;
  reject(err: unknown): void;
}

/**
 * One trip down the chain for a key. It is the writer the chain answers to:
 * the reply is cached (when it may be) and every participant, the query that
 * started it and the identical ones that joined while it was out, gets its
 * own copy (its ID, its letter case, its OPT). With no participants it is a
 * background refresh (prefetch, stale refresh) that only stores.
 *
 * With a `fallback` (serve_stale verify), a reply other than NOERROR or
 * NXDOMAIN, a failed chain, or no reply within the client response timer
 * (RFC 8767 5) answers everyone from the stale entry instead.
 */
export class Flight implements ResponseWriter {
  private readonly participants: Participant[] = [];
  private written = false;
  private delivered = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: FlightHost,
    /** Its key in `host.flights`, or null when others may not join (a background refresh, a query come back through a loop). */
    private readonly flightKey: string | null,
    private readonly req: Request,
    private readonly fallback: Entry | null,
    /** The entry a background refresh renews: its popularity carries over. */
    private readonly renews: Entry | null,
  ) {
    // Held until the chain is done (finish): the store must not fill them with another reply meanwhile.
    if (fallback !== null) fallback.pins++;
    if (renews !== null) renews.pins++;
  }

  /** Adds a query to be answered by this flight's outcome. */
  join(req: Request, w: ResponseWriter): Promise<number> {
    return new Promise((resolve, reject) => this.participants.push({ req, w, resolve, reject }));
  }

  /** Sends the query down the chain. */
  run(next: Next): void {
    const fallback = this.fallback;
    if (fallback !== null) {
      this.timer = setTimeout(() => {
        // The stale entry answers now; later arrivals get it at once until the refresh ends.
        fallback.refreshing = true;
        this.deliverStale(fallback);
      }, this.host.staleAnswerTimeoutMs);
    }
    let result: Result;
    try {
      result = next(this.req, this);
    } catch (err) {
      this.finish(null, err);
      return;
    }
    if (typeof result === 'number') this.finish(result, undefined);
    else result.then((rcode) => this.finish(rcode, undefined), (err: unknown) => this.finish(null, err));
  }

  write(msg: Buffer): void {
    if (this.written) return;
    this.written = true;
    const insp = inspect(msg, this.host.now());
    if (this.fallback !== null && (insp === null || (insp.rcode !== 0 && insp.rcode !== 3))) {
      this.deliverStale(this.fallback);
      return;
    }
    if (insp === null) {
      // Malformed: each client's server writer turns it into SERVFAIL.
      this.deliver((p, first) => write(p, first ? msg : Buffer.from(msg)));
      return;
    }
    const entry = this.host.admit(msg, insp, this.req);
    if (entry !== null) {
      if (this.renews !== null) entry.hits = this.renews.hits;
      this.deliver((p) => serveEntry(entry, p.req, p.w, entry.ttl, false));
      return;
    }
    const sameName = questionMatches(msg, this.req);
    this.deliver((p, first) => {
      const out = first ? msg : Buffer.from(msg);
      personalize(out, p.req, sameName, false);
      return write(p, out);
    });
  }

  private deliver(answer: (p: Participant, first: boolean) => number): void {
    if (this.delivered) return;
    this.delivered = true;
    this.leave();
    this.participants.forEach((p, i) => {
      try {
        p.resolve(answer(p, i === 0));
      } catch (err) {
        p.reject(err);
      }
    });
  }

  private deliverStale(entry: Entry): void {
    this.deliver((p) => {
      this.host.servedStale(p.req);
      return serveEntry(entry, p.req, p.w, this.host.keepTtl ? entry.ttl : 0, true);
    });
  }

  /** The chain is done: answer whoever is still waiting with its outcome (or the stale entry). */
  private finish(rcode: number | null, err: unknown): void {
    this.leave();
    if (this.renews !== null) {
      this.renews.refreshing = false;
      this.renews.pins--;
    }
    if (err !== undefined && this.participants.length === 0) this.host.debug(`refresh of ${this.req.qname} ${this.req.qtypeName} failed: ${err instanceof Error ? err.message : String(err)}`);
    const fallback = this.fallback;
    if (fallback !== null) {
      fallback.refreshing = false;
      if (!this.delivered) this.deliverStale(fallback);
      fallback.pins--;
      return;
    }
    if (this.delivered) return;
    this.delivered = true;
    for (const p of this.participants) {
      if (rcode !== null) p.resolve(rcode);
      else p.reject(err);
    }
  }

  private leave(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.flightKey !== null && this.host.flights.get(this.flightKey) === this) this.host.flights.delete(this.flightKey);
  }
}

function write(p: Participant, msg: Buffer): number {
  p.w.write(msg);
  return msg[3]! & 0x0f;
}
