import { Counter, perRegistry } from '@chaindns/core';

/** CoreDNS's dns64 metric, once per server registry. */
export const dns64Metrics = perRegistry((registry) => ({
  translated: new Counter({ name: 'coredns_dns64_requests_translated_total', help: 'Counter of DNS requests translated by dns64.', labelNames: ['server'], registers: [registry] }),
}));

export type Dns64Metrics = ReturnType<typeof dns64Metrics>;
