import type { Registry } from '@chaindns/core';
import { processCpu } from './process-cpu.js';
import collectors from './prom-client-collectors.cjs';

/**
 * The process_* and nodejs_* metrics: prom-client's defaults, all but its
 * nodejs_gc_duration_seconds. That one needs a perf_hooks 'gc' observer, and
 * with any such observer Node.js runs JavaScript after every collection: at
 * 100k QPS a scavenge comes every ~90 ms, and the observer turned its 0.3 ms
 * pause into a 0.6-0.9 ms stall of the event loop (bench/README.md).
 */
export function runtimeMetrics(registry: Registry): void {
  processCpu(registry);
  // prom-client's defaults (collectDefaultMetrics sets the same precision).
  for (const collect of collectors) collect(registry, { eventLoopMonitoringPrecision: 10 });
  // prom-client's sums of the labelled nodejs_active_* gauges break the rule that only counters end in _total.
  for (const kind of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`nodejs_active_${kind}_total`);
}
