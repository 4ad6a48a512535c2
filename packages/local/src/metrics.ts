import { Counter, perRegistry, type Registry } from '@chaindns/core';

/** CoreDNS's local metric in `registry`, created once per registry. No `server` label, as CoreDNS. */
export const localMetrics = perRegistry(
  (registry: Registry) =>
    new Counter({ name: 'coredns_local_localhost_requests_total', help: 'Counter of special localhost subdomain requests.', registers: [registry] }),
);
