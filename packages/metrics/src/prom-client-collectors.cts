// prom-client's own default collectors, one module each (collectDefaultMetrics takes no list),
// required from CommonJS: imported, each would be scanned by Node's ESM loader for export names.
// Its process CPU collector is left out (./process-cpu.ts): it loads the OpenTelemetry API.
// These module paths are not prom-client's public API, so package.json pins its exact version.
import type { DefaultMetricsCollectorConfiguration, Registry, RegistryContentType } from 'prom-client';

type Collect = (registry: Registry, config: DefaultMetricsCollectorConfiguration<RegistryContentType>) => void;

const collectors: readonly Collect[] = [
  require('prom-client/lib/metrics/processStartTime'),
  require('prom-client/lib/metrics/osMemoryHeap'),
  require('prom-client/lib/metrics/processOpenFileDescriptors'),
  require('prom-client/lib/metrics/processMaxFileDescriptors'),
  require('prom-client/lib/metrics/eventLoopLag'),
  require('prom-client/lib/metrics/processResources'),
  require('prom-client/lib/metrics/processHandles'),
  require('prom-client/lib/metrics/processRequests'),
  require('prom-client/lib/metrics/heapSizeAndUsed'),
  require('prom-client/lib/metrics/heapSpacesSizeAndUsed'),
  require('prom-client/lib/metrics/version'),
];

export = collectors;
