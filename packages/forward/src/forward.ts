import type { ConnectionOptions } from 'node:tls';
import { type EndpointSet, type Handler, isSubdomain, type Logger, type Next, PluginError, Rcode, type Registry, type Request, type ResponseWriter, type Result, setId, upstreamQuery } from '@chaindns/core';
import type { ForwardConfig, StanzaConfig, TlsConfig } from './config.js';
import { LocalError } from './channel.js';
import { type ForwardMetrics, forwardMetrics, UpstreamMetrics } from './metrics.js';
import { OwnEndpoints } from './own-endpoints.js';
import { makeOrder, type Order } from './policy.js';
import { Proxy } from './proxy.js';

/** CoreDNS's timeouts: one try waits 2s for its reply, one query at most about 5s over all tries. */
export const READ_TIMEOUT_MS = 2000;
export const QUERY_TIMEOUT_MS = 5000;
/** Tries per query, per upstream: a query whose upstreams fail at once (refused) ends after this many rounds. */
const ROUNDS = 3;
/** Logged at most once per this long: the forwarding loop warning. */
const LOOP_LOG_INTERVAL_MS = 10_000;

export interface ForwardHandler extends Handler {
  /** Closes every socket and stops the health probes. */
  close(): void;
}

export interface ForwardEnv {
  readonly registry: Registry;
  readonly log: Logger;
  /** The server's set of outbound sockets (ctx.outbound), where forward adds its own. */
  readonly outbound: EndpointSet;
}

/**
 * The `forward` handler of one server block: its stanzas, most specific FROM
 * first (Corefile order among equals). A query goes to the first stanza whose
 * FROM covers it and which does not except it; with none, to the next plugin.
 */
export function createForward(config: ForwardConfig, env: ForwardEnv): ForwardHandler {
  const metrics = forwardMetrics(env.registry);
  const own = new OwnEndpoints(env.outbound);
  const stanzas = config.stanzas.map((c) => new Stanza(c, metrics, own, env.log)).sort((a, b) => b.from.length - a.from.length);
  let loopLogged = -Infinity;

  function route(first: number, req: Request, w: ResponseWriter, next: Next): Result {
    const qname = req.qname;
    for (let i = first; i < stanzas.length; i++) {
      const stanza = stanzas[i]!;
      if (!stanza.matches(qname)) continue;
      if (own.has(req.remote)) {
        const now = performance.now();
        if (now - loopLogged > LOOP_LOG_INTERVAL_MS) {
          loopLogged = now;
          env.log.warn(`forwarding loop: ${req.qname} ${req.qtypeName} came back from this forward's own socket ${req.remote.address}:${req.remote.port}; answering SERVFAIL`);
        }
        throw new PluginError('forward', Rcode.SERVFAIL, `forwarding loop detected for ${req.qname} ${req.qtypeName}`);
      }
      return stanza.serve(req, w, () => route(i + 1, req, w, next));
    }
    return next(req, w);
  }

  return {
    name: 'forward',
    serveDNS: (req, w, next) => route(0, req, w, next),
    close: () => stanzas.forEach((s) => s.close()),
  };
}

/** One `forward FROM TO...`: its upstreams and the knobs of its block. */
class Stanza {
  readonly from: string;
  private readonly proxies: Proxy[];
  private readonly order: Order;
  private readonly nextMask: number;
  private readonly failoverMask: number;
  private concurrent = 0;

  constructor(
    private readonly config: StanzaConfig,
    private readonly metrics: ForwardMetrics,
    own: OwnEndpoints,
    log: Logger,
  ) {
    this.from = config.from;
    this.order = makeOrder(config.policy);
    this.nextMask = config.next.reduce((m, r) => m | (1 << r), 0);
    this.failoverMask = config.failover.reduce((m, r) => m | (1 << r), 0);
    this.proxies = config.upstreams.map((u) => {
      const tls = u.protocol === 'tls' ? tlsOptions(config.tls, u.servername) : null;
      const options = { expireMs: config.expireMs, maxFails: config.maxFails, tls, healthCheck: config.healthCheck, healthCheckTcp: config.forceTcp };
      return new Proxy(u, options, new UpstreamMetrics(metrics, u.addr), own, log);
    });
  }

  /** FROM covers the name and no `except` name does (FROM itself is never excepted). */
  matches(qname: string): boolean {
    if (!isSubdomain(qname, this.from)) return false;
    if (qname === this.from) return true;
    for (const e of this.config.except) if (isSubdomain(qname, e)) return false;
    return true;
  }

  /** Forwards the query; `pass` hands it on (a `next` rcode came back). */
  serve(req: Request, w: ResponseWriter, pass: () => Result): Promise<number> {
    const max = this.config.maxConcurrent;
    if (max > 0 && this.concurrent >= max) {
      this.metrics.maxConcurrentRejects.inc();
      throw new PluginError('forward', Rcode.REFUSED, `concurrent queries exceeded maximum ${max}`);
    }
    return this.forward(req, w, pass);
  }

  /**
   * CoreDNS's loop: the upstreams in policy order, skipping those down; when
   * all are down, a random one (or SERVFAIL with failfast). A failed try
   * starts that upstream's health probe and moves on, until a reply or the
   * query's deadline.
   */
  private async forward(req: Request, w: ResponseWriter, pass: () => Result): Promise<number> {
    this.concurrent++;
    try {
      const c = this.config;
      const list = this.order(this.proxies);
      const n = list.length;
      const deadline = performance.now() + QUERY_TIMEOUT_MS;
      const transport = c.forceTcp ? 'tcp' : c.preferUdp ? 'udp' : req.transport;
      const query = upstreamQuery(req);
      let lastError: unknown = null;
      let downs = 0;
      let tries = 0;
      let failovers = 0;
      for (let i = 0; tries < ROUNDS * n; ) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        if (i >= n) {
          i = 0;
          downs = 0;
        }
        let proxy = list[i++]!;
        if (proxy.down) {
          if (++downs < n) continue;
          this.metrics.healthcheckBroken.inc();
          if (c.failfastAllUnhealthy) break;
          proxy = this.proxies[Math.floor(Math.random() * n)]!;
        }
        tries++;
        let reply: Buffer;
        try {
          reply = await proxy.exchange(query, req.questionEnd, transport, Math.min(READ_TIMEOUT_MS, left));
          // prefer_udp: a truncated UDP reply is asked again over TCP (CoreDNS's rule; without prefer_udp the client's own TCP retry does it).
          if (c.preferUdp && !c.forceTcp && !proxy.isTls && (reply[2]! & 0x02) !== 0) {
            reply = await proxy.exchange(query, req.questionEnd, 'tcp', Math.max(1, Math.min(READ_TIMEOUT_MS, deadline - performance.now())));
          }
        } catch (err) {
          lastError = err;
          if (c.maxFails !== 0 && !(err instanceof LocalError)) proxy.healthcheck();
          if (downs < n) continue;
          break;
        }
        const rcode = reply[3]! & 0x0f;
        // failover: the next upstream, until each has given a failover rcode (then this reply goes out).
        if ((this.failoverMask >> rcode) & 1 && ++failovers < n) continue;
        if ((this.nextMask >> rcode) & 1) return pass();
        setId(reply, req.id);
        w.write(reply);
        return rcode;
      }
      throw new PluginError('forward', Rcode.SERVFAIL, lastError instanceof Error ? lastError.message : 'no healthy upstream', { cause: lastError });
    } finally {
      this.concurrent--;
    }
  }

  close(): void {
    for (const p of this.proxies) p.close();
  }
}

/** Node's TLS client options from the `tls` and `tls_servername` knobs (or a `%NAME` in the address). */
function tlsOptions(config: TlsConfig | null, servername: string | null): ConnectionOptions {
  const name = servername ?? config?.servername ?? null;
  return {
    ...(config?.ca ? { ca: config.ca } : {}),
    ...(config?.cert && config.key ? { cert: config.cert, key: config.key } : {}),
    ...(name ? { servername: name } : {}),
  };
}
