export { hosts, hosts as default, type HostsConfig } from './setup.js';
export { createHosts, type HostsOptions } from './hosts.js';
export { HostsSource, type HostsSourceOptions } from './hosts-source.js';
export { HostsMapBuilder, parseHostsLine, parseHostsText, normalizeHostName, type HostsLine, type HostsMap } from './hosts-file.js';
export { HostsTable, NameRecords, RecordSet } from './table.js';
export { parseAddress, reverseName, type Address } from './address.js';
export { hostsMetrics, type HostsEntries, type HostsMetrics } from './metrics.js';
