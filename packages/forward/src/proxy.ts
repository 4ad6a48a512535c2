import type { ConnectionOptions } from 'node:tls';
import { buildQuery, hexdump, type Logger, QType, type Remote, clockNow, type UdpTransport, type UpstreamStatus } from '@chaindns/core';
import { LocalError, type Target, type UpstreamError, type Waiter } from './channel.js';
import type { HealthCheckConfig, UpstreamAddress } from './config.js';
import { Probe } from './health.js';
import type { UpstreamMetrics } from './metrics.js';
import type { OwnEndpoints } from './own-endpoints.js';
import { Pool } from './pool.js';
import { StreamConn } from './stream-conn.js';
import { UdpConn } from './udp-conn.js';

/**
 * Queries one upstream may have in flight. Past it a try fails at once, so a
 * forwarding loop (this server reached again through its upstreams) stops
 * growing instead of multiplying queries until the process falls over.
 */
export const MAX_INFLIGHT_PER_UPSTREAM = 1000;
/** Queries one UDP socket or one TCP/TLS connection carries at once before another opens. */
const UDP_PER_SOCKET = 100;
const STREAM_PIPELINE = 32;
/** CoreDNS's health check read timeout. */
const HEALTH_CHECK_TIMEOUT_MS = 1000;

export interface ProxyOptions {
  readonly expireMs: number;
  readonly maxFails: number;
  /** TLS client options for a tls:// upstream (null for dns://). */
  readonly tls: ConnectionOptions | null;
  readonly healthCheck: HealthCheckConfig;
  /** Health checks over TCP (`force_tcp`); TLS upstreams always check over TLS, others over UDP. */
  readonly healthCheckTcp: boolean;
  /** Where UDP sockets are bound: the server's transport. */
  readonly udp: UdpTransport;
}

/** A query's current try, as the proxy that carries it sees it (see Proxy.exchange). */
export interface Attempt extends Waiter {
  /** When the try was sent (performance.now()) and the time it was given. */
  sentAt: number;
  tryMs: number;
  /** It went over TCP (or TLS), not UDP. */
  stream: boolean;
}

/** One upstream: its pooled sockets and connections, its failure count and its health probe. */
export class Proxy {
  /** Health checks failed in a row; more than max_fails means down. */
  fails = 0;
  inflight = 0;
  readonly addr: string;
  /** The upstream's address and port, as dnstap reports them. */
  readonly upstream: Remote;
  readonly isTls: boolean;
  private readonly target: Target;
  private readonly udp: Pool<UdpConn> | null;
  private readonly stream: Pool<StreamConn>;
  private readonly probe: Probe;
  private readonly healthQuery: Buffer;
  private healthConn: UdpConn | StreamConn | null = null;
  private session: Buffer | undefined;
  private closed = false;

  constructor(
    upstream: UpstreamAddress,
    private readonly options: ProxyOptions,
    private readonly metrics: UpstreamMetrics,
    own: OwnEndpoints,
    private readonly log: Logger,
  ) {
    this.addr = upstream.addr;
    this.upstream = { address: upstream.host, port: upstream.port, family: upstream.family };
    this.isTls = options.tls !== null;
    this.target = { host: upstream.host, port: upstream.port, family: upstream.family, addr: upstream.addr, own, tls: options.tls };
    const drop = (reason: 'id' | 'question', reply: Buffer): void => {
      metrics.dropped[reason].inc();
      // As CoreDNS's forward dumps a wrong reply, with debug on (the dump is built only then).
      log.debug(() => `Wrong reply for id: ${reply.length >= 2 ? reply.readUInt16BE(0) : -1} from ${this.addr} (${reason === 'id' ? 'no query in flight has it' : 'another question'}), dropped\n${hexdump(reply)}`);
    };
    this.udp = this.isTls ? null : new Pool(() => new UdpConn(this.target, options.udp, drop), UDP_PER_SOCKET, options.expireMs, (hit) => metrics.connCache('udp', hit));
    const proto = this.isTls ? 'tcp-tls' : 'tcp';
    this.stream = new Pool(() => new StreamConn(this.target, drop, this.resume()), STREAM_PIPELINE, options.expireMs, (hit) => metrics.connCache(proto, hit));
    this.probe = new Probe(() => this.check(), options.healthCheck.intervalMs);
    this.healthQuery = buildQuery(options.healthCheck.domain, QType.NS);
    if (!options.healthCheck.recursionDesired) this.healthQuery[2]! &= ~0x01;
  }

  /** True when more than `max_fails` health checks in a row failed (never with max_fails 0). */
  get down(): boolean {
    return this.options.maxFails !== 0 && this.fails > this.options.maxFails;
  }

  /** Its health and counts now, for `forward`'s `upstreams` capability. */
  status(from: string): UpstreamStatus {
    const { requests, responses, seconds } = this.metrics.totals();
    return { from, to: this.addr, protocol: this.isTls ? 'tls' : 'dns', down: this.down, fails: this.fails, inflight: this.inflight, requests, responses, rttSeconds: seconds };
  }

  /**
   * One try: sends `a.query` (upstreamQuery's bytes; each try patches its own
   * ID in) over UDP or TCP (TLS upstreams always over TLS). `a` hears of the
   * reply, its ID and question checked, or of the failure, later, and must
   * report either here first (answered, resend). A try that cannot leave
   * this process returns its LocalError at once instead.
   */
  exchange(a: Attempt, transport: 'udp' | 'tcp', timeoutMs: number): LocalError | null {
    if (this.closed) return new LocalError(`${this.addr}: forward is shut down`);
    if (this.inflight >= MAX_INFLIGHT_PER_UPSTREAM) return new LocalError(`${this.addr}: ${MAX_INFLIGHT_PER_UPSTREAM} queries already in flight`);
    a.stream = !this.udp || transport === 'tcp';
    a.sentAt = clockNow();
    a.tryMs = timeoutMs;
    this.inflight++;
    this.metrics.request();
    (a.stream ? this.stream : this.udp!).exchange(a, timeoutMs);
    return null;
  }

  /** The try of `a` got `reply`. */
  answered(a: Attempt, reply: Buffer): void {
    this.inflight--;
    this.metrics.response(reply[3]! & 0x0f, (clockNow() - a.sentAt) / 1000);
  }

  /**
   * The try of `a` failed with `err`. A query caught by the upstream closing
   * a connection (see Channel.failAll) goes again on another one, as long as
   * the try's time lasts (true): an upstream may close after any answer.
   */
  resend(a: Attempt, err: UpstreamError): boolean {
    const remaining = a.tryMs - (clockNow() - a.sentAt);
    if (err.resend && remaining > 0 && !this.closed) {
      (a.stream ? this.stream : this.udp!).exchange(a, remaining);
      return true;
    }
    this.inflight--;
    return false;
  }

  /** Starts the health probe (a query failed), unless it is running. */
  healthcheck(): void {
    this.probe.kick();
  }

  private async check(): Promise<boolean> {
    const conn = (this.healthConn = this.udp && !this.options.healthCheckTcp ? new UdpConn(this.target, this.options.udp, () => {}) : new StreamConn(this.target, () => {}, this.resume()));
    try {
      await new Promise<Buffer>((resolve, reject) => {
        conn.exchange({ query: this.healthQuery, questionEnd: this.healthQuery.length, anyReply: true, timeoutMs: 0, deadline: 0, answer: resolve, fail: reject }, HEALTH_CHECK_TIMEOUT_MS);
      });
      if (this.down) this.log.info(`upstream ${this.addr} is healthy again`);
      this.fails = 0;
      return true;
    } catch (err) {
      this.metrics.healthcheckFailure.inc();
      this.fails++;
      if (this.options.maxFails !== 0 && this.fails === this.options.maxFails + 1) this.log.warn(`upstream ${this.addr} is down: ${this.fails} health checks in a row failed (${(err as Error).message})`);
      return false;
    } finally {
      conn.close();
      this.healthConn = null;
    }
  }

  private resume(): { session: Buffer | undefined; onSession: (s: Buffer) => void } | undefined {
    return this.isTls ? { session: this.session, onSession: (s) => (this.session = s) } : undefined;
  }

  close(): void {
    this.closed = true;
    this.probe.stop();
    this.healthConn?.close();
    this.udp?.close();
    this.stream.close();
  }
}
