export { DEFAULT_ADDRESS, prometheus, prometheus as default, type PrometheusConfig } from './setup.js';
export { createPrometheus } from './prometheus.js';
export { dnsMetrics, processMetrics, type DnsMetrics, type EnabledBlock } from './metrics.js';
export { type HttpAddress, openMetrics } from './http.js';
export { DnsStats, SIZE_BUCKETS, TIME_BUCKETS, TYPE_LABELS } from './stats.js';
