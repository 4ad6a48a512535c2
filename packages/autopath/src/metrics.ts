import { Counter, perRegistry, type Registry } from '@chaindns/core';

export interface AutopathMetrics {
  /** `coredns_autopath_success_total{server}`: a query answered from its search path. */
  success(server: string): void;
}

/** CoreDNS's autopath metric in `registry`, created once per registry. */
export const autopathMetrics = perRegistry(function createMetrics(registry: Registry): AutopathMetrics {
  const success = new Counter({ name: 'coredns_autopath_success_total', help: 'Counter of requests that did autopath.', labelNames: ['server'], registers: [registry] });
  return { success: (server) => success.inc({ server }) };
});
