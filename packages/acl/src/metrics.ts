import { Counter, perRegistry } from '@chaindns/core';

export interface AclMetrics {
  readonly blocked: Counter<'server' | 'zone' | 'view'>;
  readonly filtered: Counter<'server' | 'zone' | 'view'>;
  readonly allowed: Counter<'server' | 'view'>;
  readonly dropped: Counter<'server' | 'zone' | 'view'>;
}

/** CoreDNS's acl metrics, once per server registry; `view` is the view of the block that served the query. */
export const aclMetrics = perRegistry(
  (registry): AclMetrics => ({
    blocked: new Counter({ name: 'coredns_acl_blocked_requests_total', help: 'Counter of DNS requests being blocked.', labelNames: ['server', 'zone', 'view'], registers: [registry] }),
    filtered: new Counter({ name: 'coredns_acl_filtered_requests_total', help: 'Counter of DNS requests being filtered.', labelNames: ['server', 'zone', 'view'], registers: [registry] }),
    allowed: new Counter({ name: 'coredns_acl_allowed_requests_total', help: 'Counter of DNS requests being allowed.', labelNames: ['server', 'view'], registers: [registry] }),
    dropped: new Counter({ name: 'coredns_acl_dropped_requests_total', help: 'Counter of DNS requests being dropped.', labelNames: ['server', 'zone', 'view'], registers: [registry] }),
  }),
);
