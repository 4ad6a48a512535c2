import { Counter, Histogram, perRegistry, type Registry } from '@chaindns/core';

/** The self-probe's metrics. They have no `server` label: being slow is the process's symptom, not a block's. */
export interface HealthMetrics {
  readonly duration: Histogram;
  readonly failures: Counter;
}

/** CoreDNS's plugin.SlimTimeBuckets: 0.25ms to 2.5s, by factors of 10. */
export const SLIM_TIME_BUCKETS = [0.00025, 0.0025, 0.025, 0.25, 2.5];

/** The metrics in `registry`, created on first use (setup runs per block and per reload). */
export const healthMetrics = perRegistry(
  (registry: Registry): HealthMetrics => ({
      duration: new Histogram({
        name: 'coredns_health_request_duration_seconds',
        help: 'Histogram of the time (in seconds) each request took.',
        buckets: SLIM_TIME_BUCKETS,
        registers: [registry],
      }),
      failures: new Counter({
        name: 'coredns_health_request_failures_total',
        help: 'The number of times the health check failed.',
        registers: [registry],
      }),
  }),
);
