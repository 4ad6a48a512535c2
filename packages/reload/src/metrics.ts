import { Counter, Gauge, perRegistry, type Registry } from '@chaindns/core';

export interface ReloadMetrics {
  /** `coredns_reload_failed_total`: reloads of a changed Corefile that failed. */
  readonly failed: Counter;
  /** `coredns_reload_version_info{hash="sha512",value="<hex>"} 1`: the Corefile's digest. */
  readonly versionInfo: Gauge<'hash' | 'value'>;
}

/** CoreDNS's reload metrics in `registry`, created once per registry (setup runs per block and per reload). */
export const reloadMetrics = perRegistry(
  (registry: Registry): ReloadMetrics => ({
      failed: new Counter({ name: 'coredns_reload_failed_total', help: 'Counter of the number of failed reload attempts.', registers: [registry] }),
      versionInfo: new Gauge({
        name: 'coredns_reload_version_info',
        help: "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
        labelNames: ['hash', 'value'],
        registers: [registry],
      }),
  }),
);
