export { hosts, hosts as default, type HostsConfig } from './setup.js';
export { createHosts, type HostsOptions } from './hosts.js';
export { HostsSource, type HostsSourceOptions } from './hosts-source.js';
export { loadTable, normalizeHostName, type HostsLine, type TableOptions } from './hosts-file.js';
export { TableBuilder } from './table-builder.js';
export { HostsTable } from './table.js';
export { parseAddress, type Address } from './address.js';
export { hostsMetrics, type HostsEntries, type HostsMetrics } from './metrics.js';
