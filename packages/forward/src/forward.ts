import type { ConnectionOptions } from 'node:tls';
import {
  dgramTransport,
  type EndpointSet,
  type Handler,
  isSubdomain,
  type Logger,
  type Next,
  PluginError,
  Rcode,
  type Registry,
  type Request,
  type ResponseWriter,
  type Result,
  type UdpTransport,
  type UpstreamSource,
  type UpstreamTap,
} from '@chaindns/core';
import type { ForwardConfig, StanzaConfig, TlsConfig } from './config.js';
import { ForwardQuery, type StanzaState } from './forward-query.js';
import { type ForwardMetrics, forwardMetrics, UpstreamMetrics } from './metrics.js';
import { OwnEndpoints } from './own-endpoints.js';
import { makeOrder, type Order } from './policy.js';
import { Proxy } from './proxy.js';

/** Logged at most once per this long: the forwarding loop warning. */
const LOOP_LOG_INTERVAL_MS = 10_000;

export interface ForwardHandler extends Handler, UpstreamSource {
  /** Reports every upstream exchange to these taps (the block's dnstap); none leaves the query path as it is. */
  setTaps(taps: readonly UpstreamTap[]): void;
  /** Closes every socket and stops the health probes. */
  close(): void;
}

export interface ForwardEnv {
  readonly registry: Registry;
  readonly log: Logger;
  /** The server's set of outbound sockets (ctx.outbound), where forward adds its own. */
  readonly outbound: EndpointSet;
  /** Where UDP sockets to upstreams are bound (ctx.udp). Default Node's dgram. */
  readonly udp?: UdpTransport;
}

/**
 * The `forward` handler of one server block: its stanzas, most specific FROM
 * first (Corefile order among equals). A query goes to the first stanza whose
 * FROM covers it and which does not except it; with none, to the next plugin.
 */
export function createForward(config: ForwardConfig, env: ForwardEnv): ForwardHandler {
  const metrics = forwardMetrics(env.registry);
  const own = new OwnEndpoints(env.outbound);
  const udp = env.udp ?? dgramTransport(env.log);
  const stanzas = config.stanzas.map((c) => new Stanza(c, metrics, own, env.log, udp)).sort((a, b) => b.from.length - a.from.length);
  let loopLogged = -Infinity;

  function route(first: number, req: Request, w: ResponseWriter, next: Next): Result {
    const qname = req.qname;
    for (let i = first; i < stanzas.length; i++) {
      const stanza = stanzas[i]!;
      if (!stanza.matches(qname)) continue;
      if (own.has(req.transport, req.remote)) {
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
    setTaps: (taps) => stanzas.forEach((s) => (s.taps = taps.length > 0 ? taps : null)),
    close: () => stanzas.forEach((s) => s.close()),
    upstreams: () => stanzas.flatMap((s) => s.proxies.map((p) => p.status(s.from))),
  };
}

/** One `forward FROM TO...`: its upstreams and the knobs of its block. */
class Stanza implements StanzaState {
  readonly from: string;
  readonly proxies: Proxy[];
  readonly nextMask: number;
  readonly failoverMask: number;
  concurrent = 0;
  taps: readonly UpstreamTap[] | null = null;
  private readonly order: Order;

  constructor(
    readonly config: StanzaConfig,
    readonly metrics: ForwardMetrics,
    own: OwnEndpoints,
    log: Logger,
    udp: UdpTransport,
  ) {
    this.from = config.from;
    this.order = makeOrder(config.policy);
    this.nextMask = config.next.reduce((m, r) => m | (1 << r), 0);
    this.failoverMask = config.failover.reduce((m, r) => m | (1 << r), 0);
    this.proxies = config.upstreams.map((u) => {
      const tls = u.protocol === 'tls' ? tlsOptions(config.tls, u.servername) : null;
      const options = { expireMs: config.expireMs, maxFails: config.maxFails, tls, healthCheck: config.healthCheck, healthCheckTcp: config.forceTcp, udp };
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

  /** Forwards the query (see ForwardQuery); `pass` hands it on (a `next` rcode came back). */
  serve(req: Request, w: ResponseWriter, pass: () => Result): Promise<number> {
    const max = this.config.maxConcurrent;
    if (max > 0 && this.concurrent >= max) {
      this.metrics.maxConcurrentRejects.inc();
      throw new PluginError('forward', Rcode.REFUSED, `concurrent queries exceeded maximum ${max}`);
    }
    return new ForwardQuery(this, this.order(this.proxies), req, w, pass).promise;
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
