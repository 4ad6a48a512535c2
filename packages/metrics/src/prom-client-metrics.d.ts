// prom-client ships no types for its per-metric modules; each registers its metrics in `registry`.
declare module 'prom-client/lib/metrics/*.js' {
  import type { DefaultMetricsCollectorConfiguration, Registry, RegistryContentType } from 'prom-client';

  const collect: (registry: Registry, config: DefaultMetricsCollectorConfiguration<RegistryContentType>) => void;
  export default collect;
}
