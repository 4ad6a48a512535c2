import { PluginError, Rcode, type Request, type ResponseWriter, type Result, clockNow, setId, type UpstreamTap, upstreamQuery } from '@chaindns/core';
import { LocalError, type UpstreamError } from './channel.js';
import type { StanzaConfig } from './config.js';
import type { ForwardMetrics } from './metrics.js';
import type { Attempt, Proxy } from './proxy.js';

/** CoreDNS's timeouts: one try waits 2s for its reply, one query at most about 5s over all tries. */
export const READ_TIMEOUT_MS = 2000;
export const QUERY_TIMEOUT_MS = 5000;
/** Tries per query, per upstream: a query whose upstreams fail at once (refused) ends after this many rounds. */
const ROUNDS = 3;

/** What a query needs of its stanza. */
export interface StanzaState {
  readonly config: StanzaConfig;
  readonly proxies: readonly Proxy[];
  readonly metrics: ForwardMetrics;
  readonly nextMask: number;
  readonly failoverMask: number;
  /** Counts the queries in flight (max_concurrent). */
  concurrent: number;
  /** The block's dnstap taps; null without any, so that a query does no more. */
  readonly taps: readonly UpstreamTap[] | null;
}

/**
 * One query's way through a stanza's upstreams, CoreDNS's loop: the
 * upstreams in policy order, skipping those down; when all are down, a random
 * one (or SERVFAIL with failfast). A failed try starts that upstream's health
 * probe and moves on, until a reply or the query's deadline. The object is
 * the waiter of every try, so a try allocates nothing; the reply is written
 * in the call that brings it (within the transport's batch), and the promise
 * the chain gets is the only one. Its times (and its channels' and proxies')
 * are core's `clockNow()`: within a batch of the native transport one clock
 * reading for the whole batch, not six a query; a deadline counts from the
 * start of the batch that sent its try, so it comes at most that batch's
 * length early.
 */
export class ForwardQuery implements Attempt {
  readonly query: Buffer;
  readonly questionEnd: number;
  readonly anyReply = false;
  timeoutMs = 0;
  deadline = 0;
  sentAt = 0;
  tryMs = 0;
  stream = false;
  readonly promise: Promise<number>;
  private resolve!: (rcode: number | Promise<number>) => void;
  private reject!: (err: unknown) => void;
  private readonly list: readonly Proxy[];
  private readonly endAt: number;
  private readonly transport: 'udp' | 'tcp';
  private proxy: Proxy | null = null;
  private lastError: unknown = null;
  private index = 0;
  private downs = 0;
  private tries = 0;
  private failovers = 0;
  /** The reply was truncated and is being asked again over TCP (prefer_udp). */
  private retcp = false;

  constructor(
    private readonly stanza: StanzaState,
    order: readonly Proxy[],
    private readonly req: Request,
    private readonly w: ResponseWriter,
    private readonly pass: () => Result,
  ) {
    const c = stanza.config;
    this.list = order;
    this.query = upstreamQuery(req);
    this.questionEnd = req.questionEnd;
    this.endAt = clockNow() + QUERY_TIMEOUT_MS;
    this.transport = c.forceTcp ? 'tcp' : c.preferUdp ? 'udp' : req.transport;
    this.promise = new Promise<number>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    stanza.concurrent++;
    this.next();
  }

  /** Sends the next try, or settles the query when there is none. */
  private next(): void {
    const n = this.list.length;
    while (this.tries < ROUNDS * n) {
      const left = this.endAt - clockNow();
      if (left <= 0) break;
      if (this.index >= n) {
        this.index = 0;
        this.downs = 0;
      }
      let proxy = this.list[this.index++]!;
      if (proxy.down) {
        if (++this.downs < n) continue;
        this.stanza.metrics.healthcheckBroken.inc();
        if (this.stanza.config.failfastAllUnhealthy) break;
        proxy = this.stanza.proxies[Math.floor(Math.random() * n)]!;
      }
      this.tries++;
      this.proxy = proxy;
      const local = proxy.exchange(this, this.transport, Math.min(READ_TIMEOUT_MS, left));
      if (local === null) return;
      this.lastError = local;
      if (this.downs >= n) break;
    }
    this.settle(() => {
      const last = this.lastError;
      throw new PluginError('forward', Rcode.SERVFAIL, last instanceof Error ? last.message : 'no healthy upstream', { cause: last });
    });
  }

  answer(reply: Buffer): void {
    const proxy = this.proxy!;
    proxy.answered(this, reply);
    if (this.stanza.taps !== null) this.tap(this.stanza.taps, reply);
    const c = this.stanza.config;
    // prefer_udp: a truncated UDP reply is asked again over TCP (CoreDNS's rule; without prefer_udp the client's own TCP retry does it).
    if (c.preferUdp && !c.forceTcp && !proxy.isTls && !this.retcp && (reply[2]! & 0x02) !== 0) {
      this.retcp = true;
      const local = proxy.exchange(this, 'tcp', Math.max(1, Math.min(READ_TIMEOUT_MS, this.endAt - clockNow())));
      if (local === null) return;
      return this.failed(local);
    }
    this.retcp = false;
    const rcode = reply[3]! & 0x0f;
    // failover: the next upstream, until each has given a failover rcode (then this reply goes out).
    if ((this.stanza.failoverMask >> rcode) & 1 && ++this.failovers < this.list.length) return this.next();
    if ((this.stanza.nextMask >> rcode) & 1) return this.settle(this.pass);
    this.settle(() => {
      setId(reply, this.req.id);
      this.w.write(reply);
      return rcode;
    });
  }

  fail(err: UpstreamError): void {
    if (this.proxy!.resend(this, err)) return;
    if (this.stanza.taps !== null) this.tap(this.stanza.taps, null);
    this.failed(err);
  }

  /** Reports this try to dnstap (CoreDNS's toDnstap): the query, and the reply when one came. */
  private tap(taps: readonly UpstreamTap[], reply: Buffer | null): void {
    const exchange = { req: this.req, query: this.query, reply, sentAt: this.sentAt, upstream: this.proxy!.upstream, transport: this.stream ? ('tcp' as const) : ('udp' as const) };
    for (const t of taps) t.upstream(exchange);
  }

  private failed(err: UpstreamError): void {
    this.retcp = false;
    this.lastError = err;
    if (this.stanza.config.maxFails !== 0 && !(err instanceof LocalError)) this.proxy!.healthcheck();
    if (this.downs < this.list.length) return this.next();
    this.settle(() => {
      throw new PluginError('forward', Rcode.SERVFAIL, err.message, { cause: err });
    });
  }

  /** Ends the query with what `end` returns or throws: a write, the next plugin, or the error. */
  private settle(end: () => Result): void {
    this.stanza.concurrent--;
    try {
      this.resolve(end());
    } catch (err) {
      this.reject(err);
    }
  }
}
