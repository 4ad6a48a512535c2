import { Buckets, Counter, HistogramCollector, perRegistry, rcodeName, type Registry, type Series } from '@chaindns/core';

/** CoreDNS's plugin.TimeBuckets: 0.25ms doubling 16 times (to about 8s). */
const TIME_BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export type Proto = 'udp' | 'tcp' | 'tcp-tls';
const PROTOS: readonly Proto[] = ['udp', 'tcp', 'tcp-tls'];

/**
 * What one upstream (`to`) has seen, in plain numbers bumped on the hot path
 * without hashing a label set (prom-client's `labels()` children hash theirs
 * on every call); the registry reads them at scrape time. Kept for the life
 * of the registry, across reloads, as CoreDNS's counters are.
 */
export class UpstreamCounts {
  requests = 0;
  /** Responses by the header's rcode, and their durations (one series for forward's and proxy's histograms). */
  readonly responses = new Float64Array(16);
  readonly durations: (Buckets | undefined)[] = [];
  /** Connection cache hits and misses by PROTOS index. */
  readonly connHits = new Float64Array(PROTOS.length);
  readonly connMisses = new Float64Array(PROTOS.length);

  constructor(readonly to: string) {}
}

/** The metrics of CoreDNS's forward plugin and of its proxy package (`coredns_proxy_*`, proxy_name="forward"). */
export interface ForwardMetrics {
  /** The counts of upstream `to`, created on first use. */
  upstream(to: string): UpstreamCounts;
  readonly healthcheckFailures: Counter<'to'>;
  readonly healthcheckBroken: Counter;
  readonly maxConcurrentRejects: Counter;
  readonly proxyHealthcheckFailures: Counter<'proxy_name' | 'to'>;
  /** chaindns's own: replies dropped because their ID or question did not match a query in flight. */
  readonly droppedReplies: Counter<'to' | 'reason'>;
}

/** The forward metrics of one server's registry, created once (setup runs per block and per reload). */
export const forwardMetrics = perRegistry((registry: Registry): ForwardMetrics => {
  const registers = [registry];
  const upstreams = new Map<string, UpstreamCounts>();
  /** A counter refilled from the counts at scrape time. */
  const counted = (name: string, help: string, labelNames: string[], fill: (inc: (labels: Record<string, string>, n: number) => void) => void): void => {
    const counter: Counter = new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        counter.reset();
        fill((labels, n) => {
          if (n > 0) counter.inc(labels, n);
        });
      },
    });
  };
  counted('coredns_forward_requests_total', 'Counter of requests made per upstream.', ['to'], (inc) => {
    for (const u of upstreams.values()) inc({ to: u.to }, u.requests);
  });
  counted('coredns_forward_responses_total', 'Counter of responses received per upstream.', ['to', 'rcode'], (inc) => {
    for (const u of upstreams.values()) u.responses.forEach((n, rcode) => inc({ to: u.to, rcode: rcodeName(rcode) }, n));
  });
  for (const [name, hits] of [['coredns_proxy_conn_cache_hits_total', true], ['coredns_proxy_conn_cache_misses_total', false]] as const) {
    counted(name, `Counter of connection cache ${hits ? 'hits' : 'misses'} per upstream and protocol.`, ['proxy_name', 'to', 'proto'], (inc) => {
      for (const u of upstreams.values()) (hits ? u.connHits : u.connMisses).forEach((n, i) => inc({ proxy_name: 'forward', to: u.to, proto: PROTOS[i]! }, n));
    });
  }
  const durations = (proxy: boolean) =>
    function* (): Iterable<Series> {
      for (const u of upstreams.values()) {
        for (const [rcode, buckets] of u.durations.entries()) {
          if (buckets) yield { labels: proxy ? { proxy_name: 'forward', to: u.to, rcode: rcodeName(rcode) } : { to: u.to, rcode: rcodeName(rcode) }, buckets };
        }
      }
    };
  new HistogramCollector('coredns_forward_request_duration_seconds', 'Histogram of the time each request took.', durations(false)).register(registry);
  new HistogramCollector('coredns_proxy_request_duration_seconds', 'Histogram of the time each request took.', durations(true)).register(registry);
  return {
    upstream(to) {
      let u = upstreams.get(to);
      if (!u) upstreams.set(to, (u = new UpstreamCounts(to)));
      return u;
    },
    healthcheckFailures: new Counter({ name: 'coredns_forward_healthcheck_failures_total', help: 'Counter of the number of failed healthchecks.', labelNames: ['to'], registers }),
    healthcheckBroken: new Counter({ name: 'coredns_forward_healthcheck_broken_total', help: 'Counter of the number of complete failures of the healthchecks.', registers }),
    maxConcurrentRejects: new Counter({
      name: 'coredns_forward_max_concurrent_rejects_total',
      help: 'Counter of the number of queries rejected because the concurrent queries were at maximum.',
      registers,
    }),
    proxyHealthcheckFailures: new Counter({ name: 'coredns_proxy_healthcheck_failures_total', help: 'Counter of the number of failed healthchecks.', labelNames: ['proxy_name', 'to'], registers }),
    droppedReplies: new Counter({
      name: 'coredns_forward_dropped_replies_total',
      help: 'Counter of upstream replies dropped because their ID or question matched no query in flight (chaindns).',
      labelNames: ['to', 'reason'],
      registers,
    }),
  };
});

type Inc = { inc(): void };

/** One upstream's metrics: its counts, and the label children of the rare ones bound once. */
export class UpstreamMetrics {
  readonly healthcheckFailure: Inc;
  readonly dropped: { id: Inc; question: Inc };
  private readonly counts: UpstreamCounts;

  constructor(m: ForwardMetrics, to: string) {
    this.counts = m.upstream(to);
    const hc = m.healthcheckFailures.labels(to);
    const proxyHc = m.proxyHealthcheckFailures.labels('forward', to);
    this.healthcheckFailure = { inc: () => (hc.inc(), proxyHc.inc()) };
    this.dropped = { id: m.droppedReplies.labels(to, 'id'), question: m.droppedReplies.labels(to, 'question') };
  }

  /** Queries sent, replies, and the replies' total time in seconds, since the server started (for a live view). */
  totals(): { requests: number; responses: number; seconds: number } {
    const c = this.counts;
    let responses = 0;
    let seconds = 0;
    for (const b of c.durations) if (b) (responses += b.count), (seconds += b.sum);
    return { requests: c.requests, responses, seconds };
  }

  /** A query went upstream. */
  request(): void {
    this.counts.requests++;
  }

  /** A reply with this header rcode took `seconds`. */
  response(rcode: number, seconds: number): void {
    const c = this.counts;
    c.responses[rcode] = c.responses[rcode]! + 1;
    (c.durations[rcode] ??= new Buckets(TIME_BUCKETS)).observe(seconds);
  }

  connCache(proto: Proto, hit: boolean): void {
    const row = hit ? this.counts.connHits : this.counts.connMisses;
    const i = PROTOS.indexOf(proto);
    row[i] = row[i]! + 1;
  }
}
