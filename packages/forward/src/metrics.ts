import { Counter, Histogram, perRegistry, rcodeName, type Registry } from '@chaindns/core';

/** CoreDNS's plugin.TimeBuckets: 0.25ms doubling 16 times (to about 8s). */
const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

/** The metrics of CoreDNS's forward plugin and of its proxy package (`coredns_proxy_*`, proxy_name="forward"). */
export interface ForwardMetrics {
  readonly requests: Counter<'to'>;
  readonly responses: Counter<'to' | 'rcode'>;
  readonly duration: Histogram<'to' | 'rcode'>;
  readonly healthcheckFailures: Counter<'to'>;
  readonly healthcheckBroken: Counter;
  readonly maxConcurrentRejects: Counter;
  readonly proxyDuration: Histogram<'proxy_name' | 'to' | 'rcode'>;
  readonly proxyHealthcheckFailures: Counter<'proxy_name' | 'to'>;
  readonly connCacheHits: Counter<'proxy_name' | 'to' | 'proto'>;
  readonly connCacheMisses: Counter<'proxy_name' | 'to' | 'proto'>;
  /** chaindns's own: replies dropped because their ID or question did not match a query in flight. */
  readonly droppedReplies: Counter<'to' | 'reason'>;
}

/** The forward metrics of one server's registry, created once (setup runs per block and per reload). */
export const forwardMetrics = perRegistry((registry: Registry): ForwardMetrics => {
  const registers = [registry];
  return {
    requests: new Counter({ name: 'coredns_forward_requests_total', help: 'Counter of requests made per upstream.', labelNames: ['to'], registers }),
    responses: new Counter({ name: 'coredns_forward_responses_total', help: 'Counter of responses received per upstream.', labelNames: ['to', 'rcode'], registers }),
    duration: new Histogram({ name: 'coredns_forward_request_duration_seconds', help: 'Histogram of the time each request took.', labelNames: ['to', 'rcode'], buckets: TIME_BUCKETS, registers }),
    healthcheckFailures: new Counter({ name: 'coredns_forward_healthcheck_failures_total', help: 'Counter of the number of failed healthchecks.', labelNames: ['to'], registers }),
    healthcheckBroken: new Counter({ name: 'coredns_forward_healthcheck_broken_total', help: 'Counter of the number of complete failures of the healthchecks.', registers }),
    maxConcurrentRejects: new Counter({
      name: 'coredns_forward_max_concurrent_rejects_total',
      help: 'Counter of the number of queries rejected because the concurrent queries were at maximum.',
      registers,
    }),
    proxyDuration: new Histogram({ name: 'coredns_proxy_request_duration_seconds', help: 'Histogram of the time each request took.', labelNames: ['proxy_name', 'to', 'rcode'], buckets: TIME_BUCKETS, registers }),
    proxyHealthcheckFailures: new Counter({ name: 'coredns_proxy_healthcheck_failures_total', help: 'Counter of the number of failed healthchecks.', labelNames: ['proxy_name', 'to'], registers }),
    connCacheHits: new Counter({ name: 'coredns_proxy_conn_cache_hits_total', help: 'Counter of connection cache hits per upstream and protocol.', labelNames: ['proxy_name', 'to', 'proto'], registers }),
    connCacheMisses: new Counter({ name: 'coredns_proxy_conn_cache_misses_total', help: 'Counter of connection cache misses per upstream and protocol.', labelNames: ['proxy_name', 'to', 'proto'], registers }),
    droppedReplies: new Counter({
      name: 'coredns_forward_dropped_replies_total',
      help: 'Counter of upstream replies dropped because their ID or question matched no query in flight (chaindns).',
      labelNames: ['to', 'reason'],
      registers,
    }),
  };
});

type Inc = { inc(): void };
type Observe = { observe(v: number): void };
export type Proto = 'udp' | 'tcp' | 'tcp-tls';

/** One upstream's label children, bound once so the hot path does no label hashing. */
export class UpstreamMetrics {
  readonly request: Inc;
  readonly healthcheckFailure: { inc(): void };
  readonly dropped: { id: Inc; question: Inc };
  private readonly hits = new Map<Proto, Inc>();
  private readonly misses = new Map<Proto, Inc>();
  private readonly byRcode: ({ response: Inc; duration: Observe; proxyDuration: Observe } | undefined)[] = [];

  constructor(
    private readonly m: ForwardMetrics,
    private readonly to: string,
  ) {
    this.request = m.requests.labels(to);
    const hc = m.healthcheckFailures.labels(to);
    const proxyHc = m.proxyHealthcheckFailures.labels('forward', to);
    this.healthcheckFailure = { inc: () => (hc.inc(), proxyHc.inc()) };
    this.dropped = { id: m.droppedReplies.labels(to, 'id'), question: m.droppedReplies.labels(to, 'question') };
  }

  /** A reply with this header rcode took `seconds`. */
  response(rcode: number, seconds: number): void {
    let c = this.byRcode[rcode];
    if (!c) {
      const name = rcodeName(rcode);
      c = this.byRcode[rcode] = { response: this.m.responses.labels(this.to, name), duration: this.m.duration.labels(this.to, name), proxyDuration: this.m.proxyDuration.labels('forward', this.to, name) };
    }
    c.response.inc();
    c.duration.observe(seconds);
    c.proxyDuration.observe(seconds);
  }

  connCache(proto: Proto, hit: boolean): void {
    const map = hit ? this.hits : this.misses;
    let c = map.get(proto);
    if (!c) map.set(proto, (c = (hit ? this.m.connCacheHits : this.m.connCacheMisses).labels('forward', this.to, proto)));
    c.inc();
  }
}
