import type { Registry } from '@chaindns/core';
// prom-client's own default collectors, one module each; collectDefaultMetrics takes no list.
// These paths are not its public API, so package.json pins its exact version.
import eventLoopLag from 'prom-client/lib/metrics/eventLoopLag.js';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

/**
 * The process_* and nodejs_* metrics: prom-client's defaults, all but its
 * nodejs_gc_duration_seconds. That one needs a perf_hooks 'gc' observer, and
 * with any such observer Node.js runs JavaScript after every collection: at
 * 100k QPS a scavenge comes every ~90 ms, and the observer turned its 0.3 ms
 * pause into a 0.6-0.9 ms stall of the event loop (bench/README.md).
 */
export function runtimeMetrics(registry: Registry): void {
  const collectors = [
    processCpuTotal, processStartTime, osMemoryHeap, processOpenFileDescriptors, processMaxFileDescriptors,
    eventLoopLag, processResources, processHandles, processRequests, heapSizeAndUsed, heapSpacesSizeAndUsed, version,
  ];
  // prom-client's defaults (collectDefaultMetrics sets the same precision).
  for (const collect of collectors) collect(registry, { eventLoopMonitoringPrecision: 10 });
  // prom-client's sums of the labelled nodejs_active_* gauges break the rule that only counters end in _total.
  for (const kind of ['handles', 'requests', 'resources']) registry.removeSingleMetric(`nodejs_active_${kind}_total`);
}
