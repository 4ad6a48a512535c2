import { Counter, Histogram, perRegistry, type Registry } from '@chaindns/core';

/** CoreDNS's kubernetes metrics, by the same names, labels and buckets. */
export interface KubernetesMetrics {
  /** From an endpoint change (the slice's last-change-trigger-time) to when DNS serves it. */
  readonly programmingDuration: Histogram<'service_kind'>;
  readonly requestDuration: Histogram<'verb' | 'host'>;
  readonly rateLimiterDuration: Histogram<'verb' | 'host'>;
  readonly requests: Counter<'code' | 'method' | 'host'>;
}

/** prometheus.ExponentialBuckets(0.001, 2, 20): 1 ms to ~9 minutes. */
const PROGRAMMING_BUCKETS = Array.from({ length: 20 }, (_, i) => 0.001 * 2 ** i);
/** prometheus.DefBuckets. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The metrics in `registry`, created once per registry (setup runs per block and per reload). */
export const kubernetesMetrics = perRegistry((registry: Registry): KubernetesMetrics => {
  const registers = [registry];
  return {
    programmingDuration: new Histogram({
      name: 'coredns_kubernetes_dns_programming_duration_seconds',
      help: 'Histogram of the time (in seconds) it took to program a dns instance.',
      labelNames: ['service_kind'],
      buckets: PROGRAMMING_BUCKETS,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'coredns_kubernetes_rest_client_request_duration_seconds',
      help: 'Request latency in seconds. Broken down by verb and host.',
      labelNames: ['verb', 'host'],
      buckets: DEFAULT_BUCKETS,
      registers,
    }),
    rateLimiterDuration: new Histogram({
      name: 'coredns_kubernetes_rest_client_rate_limiter_duration_seconds',
      help: 'Client side rate limiter latency in seconds. Broken down by verb and host.',
      labelNames: ['verb', 'host'],
      buckets: DEFAULT_BUCKETS,
      registers,
    }),
    requests: new Counter({
      name: 'coredns_kubernetes_rest_client_requests_total',
      help: 'Number of HTTP requests, partitioned by status code, method, and host.',
      labelNames: ['code', 'method', 'host'],
      registers,
    }),
  };
});
