/**
 * Keeps one secondary zone (RFC 1034 section 4.3.5, CoreDNS's
 * transferAndUpdate and Zone.Update): the first transfer, tried until it
 * works (250 ms, doubling, at most 10 s apart); then a check of the
 * primary's SOA serial every refresh interval, a transfer when it is newer,
 * every retry interval while checks fail, and the zone withdrawn (SERVFAIL)
 * once they have failed for the expire interval. A NOTIFY from a primary
 * checks at once. Shared by every config generation that serves the zone,
 * so a reload neither transfers again nor answers SERVFAIL meanwhile.
 */
import { formatHostPort, type Logger } from '@chaindns/core';
import type { Zone } from '@chaindns/file';
import { type Primary, primaryMatcher } from './primary.js';
import { askSerial, transferZone } from './primary-client.js';
import { serialBefore, type SoaTimers } from './soa.js';

/** Told the zone to serve (null: none, or expired), and whether it is newly transferred. */
export type ZoneWatcher = (zone: Zone | null, transferred: boolean) => void;

/** A zone and its SOA timers, as a keeper holds them. */
export interface Held {
  readonly zone: Zone;
  readonly soa: SoaTimers;
}

export interface KeeperOptions {
  /** A random delay up to `maxMs` (tests make it 0). */
  readonly jitter?: (maxMs: number) => number;
  /** Sees each zone transferred before it is served; a throw fails the transfer (a catalog zone checks its catalog). */
  readonly accept?: (zone: Zone) => void;
  /** Start with this zone (a catalog member moving to another catalog keeps its data): served at once, refreshed first. */
  readonly held?: Held | null;
}

const FIRST_RETRY_MS = 250;
const MAX_FIRST_RETRY_MS = 10_000;
/** CoreDNS's jitter before a refresh and a retry. */
const REFRESH_JITTER_MS = 5000;
const RETRY_JITTER_MS = 2000;
/** setTimeout's limit (about 24.8 days): an SOA timer may be longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ZoneKeeper {
  /** The zone last transferred, kept through expiry for IXFR and for a primary that comes back unchanged. */
  private zone: Zone | null;
  private soa: SoaTimers | null;
  private expired = false;
  /** A check failed since the last that worked: retrying. */
  private failing = false;
  private firstRetryMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** A NOTIFY came during a check: check again after it. */
  private again = false;
  private started = false;
  private readonly abort = new AbortController();
  private readonly watchers = new Set<ZoneWatcher>();
  /** True for a NOTIFY's source address that is one of the primaries. */
  readonly isPrimary: (address: string) => boolean;

  private readonly jitter: (maxMs: number) => number;
  private readonly accept: ((zone: Zone) => void) | null;

  constructor(
    readonly origin: string,
    private readonly primaries: readonly Primary[],
    private readonly log: Logger,
    options: KeeperOptions = {},
  ) {
    this.isPrimary = primaryMatcher(primaries);
    this.jitter = options.jitter ?? ((maxMs) => Math.floor(Math.random() * maxMs));
    this.accept = options.accept ?? null;
    this.zone = options.held?.zone ?? null;
    this.soa = options.held?.soa ?? null;
  }

  /** The zone last transferred and its timers (kept through expiry), or null before the first transfer. */
  get held(): Held | null {
    return this.zone === null ? null : { zone: this.zone, soa: this.soa! };
  }

  /** Calls `watcher` with the zone now and on every change; returns the function that stops it. */
  watch(watcher: ZoneWatcher): () => void {
    this.watchers.add(watcher);
    watcher(this.serving, false);
    return () => this.watchers.delete(watcher);
  }

  /** The first transfer, or the first refresh of a zone held (once, whoever asks). */
  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    if (this.soa) this.armExpiry(Math.max(this.soa.expire, 1) * 1000);
    this.check();
  }

  /** A NOTIFY from a primary (RFC 1996 section 3.11): check now, as if the refresh timer had fired. */
  notify(): void {
    if (!this.started || this.abort.signal.aborted) return;
    if (this.running) this.again = true;
    else this.check();
  }

  /** Stops the timers and a check under way. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.clear();
    if (this.expiry) clearTimeout(this.expiry);
    await this.running;
  }

  private get serving(): Zone | null {
    return this.expired ? null : this.zone;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private after(ms: number, run: () => void): NodeJS.Timeout {
    const t = setTimeout(run, Math.min(ms, MAX_TIMER_MS));
    t.unref();
    return t;
  }

  private check(): void {
    this.clear();
    this.running = this.refresh().finally(() => {
      this.running = null;
      if (this.again && !this.abort.signal.aborted) {
        this.again = false;
        this.check();
      }
    });
  }

  /** One check: the serial first when a zone is held, then a transfer if it is newer. */
  private async refresh(): Promise<void> {
    const first = this.zone === null;
    try {
      if (this.zone !== null) {
        const serial = await this.primarySerial();
        if (!serialBefore(this.soa!.serial, serial)) {
          this.log.debug(`No SOA serial increase for ${this.origin}: ${serial}`);
          return this.succeeded(false);
        }
      }
      this.succeeded(await this.transfer());
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const why = (err as Error).message;
      if (first) {
        this.log.warn(`All '${this.origin}' masters failed to transfer, retrying in ${this.firstRetryMs / 1000}s: ${why}`);
        this.timer = this.after(this.firstRetryMs, () => this.check());
        this.firstRetryMs = Math.min(this.firstRetryMs * 2, MAX_FIRST_RETRY_MS);
        return;
      }
      this.log.warn(`Failed ${this.failing ? 'retry' : 'refresh'} check of ${this.origin}: ${why}`);
      this.failing = true;
      this.timer = this.after(Math.max(this.soa!.retry, 1) * 1000 + this.jitter(RETRY_JITTER_MS), () => this.check());
    }
  }

  /** The serial of the first primary that answers. */
  private async primarySerial(): Promise<number> {
    let last: unknown;
    for (const p of this.primaries) {
      try {
        return await askSerial(this.origin, p, this.abort.signal);
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  /** IXFR from the zone held (AXFR when the primary cannot), else AXFR; each primary in turn. False when the primary has nothing newer. */
  private async transfer(): Promise<boolean> {
    let last: unknown;
    for (const p of this.primaries) {
      if (this.zone !== null) {
        try {
          return await this.transferFrom(p, this.zone);
        } catch (err) {
          if (this.abort.signal.aborted) throw err;
          this.log.info(`IXFR of ${this.origin} from ${formatHostPort(p)} failed, trying AXFR: ${(err as Error).message}`);
        }
      }
      try {
        return await this.transferFrom(p, null);
      } catch (err) {
        if (this.abort.signal.aborted) throw err;
        this.log.error(`Failed to transfer ${this.origin} from ${formatHostPort(p)}: ${(err as Error).message}`);
        last = err;
      }
    }
    throw last;
  }

  /** One transfer; false when the primary says the zone held is current. */
  private async transferFrom(p: Primary, held: Zone | null): Promise<boolean> {
    const { inbound, outOfZone } = await transferZone(this.origin, p, held, this.abort.signal);
    if (inbound.kind === 'current') return false;
    if (outOfZone > 0) this.log.warn(`Left out ${outOfZone} record(s) outside ${this.origin} from ${formatHostPort(p)}`);
    const { zone, records } = inbound.kind === 'zone' ? inbound : await inbound.diff.apply(held!, inbound.soaRecord);
    this.accept?.(zone);
    this.zone = zone;
    this.soa = inbound.soa;
    this.log.info(`Transferred: ${this.origin} from ${formatHostPort(p)} (${inbound.kind === 'zone' ? (held ? 'AXFR in answer to IXFR' : 'AXFR') : 'IXFR'}, ${records} records, serial ${inbound.soa.serial})`);
    return true;
  }

  /** A check that worked: the zone is served (again), the refresh timer starts over, and so does the expire timer. */
  private succeeded(transferred: boolean): void {
    if (this.abort.signal.aborted) return;
    const restored = this.expired;
    this.expired = false;
    this.failing = false;
    if (transferred || restored) for (const w of this.watchers) w(this.zone, transferred);
    const soa = this.soa!;
    this.clear();
    this.timer = this.after(Math.max(soa.refresh, 1) * 1000 + this.jitter(REFRESH_JITTER_MS), () => this.check());
    this.armExpiry(Math.max(soa.expire, 1) * 1000);
  }

  /** CoreDNS's expire ticker: at each tick, a zone whose checks are failing expires. */
  private armExpiry(ms: number): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = this.after(ms, () => {
      if (this.failing && !this.expired) {
        this.expired = true;
        this.log.error(`Zone ${this.origin} is expired`);
        for (const w of this.watchers) w(null, false);
      }
      if (!this.expired) this.armExpiry(ms);
    });
  }
}
