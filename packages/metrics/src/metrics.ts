import { Counter, Gauge, HistogramCollector, perRegistry, rcodeName, type Registry, type Series, VERSION } from '@chaindns/core';
import { runtimeMetrics } from './runtime.js';
import { DnsStats, FAMILIES, PROTOS, TYPE_LABELS } from './stats.js';

/** A server block whose plugins `coredns_plugin_enabled` reports. */
export interface EnabledBlock {
  /** Its `server` label, read at scrape time (it knows the bound port only once listening). */
  readonly server: () => string;
  readonly zones: readonly string[];
  readonly plugins: readonly string[];
}

export interface DnsMetrics {
  readonly stats: DnsStats;
  /** Reports a block's plugins as enabled until the returned function is called (its config is retired). */
  enable(block: EnabledBlock): () => void;
}

/**
 * The `prometheus` plugin's metrics in `registry`, created once per registry
 * (setup runs for every block and again on each reload; the counters live on).
 */
export const dnsMetrics = perRegistry(function createMetrics(registry: Registry): DnsMetrics {
  const stats = new DnsStats();
  const enabled = new Set<EnabledBlock>();
  const registers = [registry];
  // `coredns_plugin_enabled`'s view: a block's view is not known to its plugins' setup (CoreDNS's is set later too).
  const view = '';

  // Counters: prom-client's own, refilled from DnsStats at scrape time.
  const requests = new Counter({
    name: 'coredns_dns_requests_total',
    help: 'Counter of DNS requests made per zone, protocol and family.',
    labelNames: ['server', 'zone', 'view', 'proto', 'family', 'type'],
    registers,
    collect() {
      requests.reset();
      for (const z of stats.zones()) {
        z.requests.forEach((n, i) => {
          if (n === 0) return;
          const type = TYPE_LABELS[i % TYPE_LABELS.length]!;
          const rest = Math.floor(i / TYPE_LABELS.length);
          const family = FAMILIES[rest % FAMILIES.length]!;
          const proto = PROTOS[Math.floor(rest / FAMILIES.length)]!;
          requests.inc({ server: z.server, zone: z.zone, view: z.view, proto, family, type }, n);
        });
      }
    },
  });
  const doRequests = new Counter({
    name: 'coredns_dns_do_requests_total',
    help: 'Counter of DNS requests with DO bit set per zone.',
    labelNames: ['server', 'zone', 'view'],
    registers,
    collect() {
      doRequests.reset();
      for (const z of stats.zones()) if (z.doRequests > 0) doRequests.inc({ server: z.server, zone: z.zone, view: z.view }, z.doRequests);
    },
  });
  const responses = new Counter({
    name: 'coredns_dns_responses_total',
    help: 'Counter of response status codes.',
    labelNames: ['server', 'zone', 'view', 'rcode', 'plugin'],
    registers,
    collect() {
      responses.reset();
      for (const z of stats.zones()) {
        for (const [plugin, byRcode] of z.responses) {
          byRcode.forEach((n, rcode) => n > 0 && responses.inc({ server: z.server, zone: z.zone, view: z.view, rcode: rcodeName(rcode), plugin }, n));
        }
      }
    },
  });

  // Histograms: read straight from DnsStats (see HistogramCollector).
  new HistogramCollector('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', function* (): Iterable<Series> {
    for (const z of stats.zones()) {
      for (const [i, buckets] of z.durations.entries()) if (buckets) yield { labels: { server: z.server, zone: z.zone, view: z.view, type: TYPE_LABELS[i]! }, buckets };
    }
  }).register(registry);
  const bySize = (pick: 'requestSizes' | 'responseSizes') =>
    function* (): Iterable<Series> {
      for (const z of stats.zones()) {
        for (const [i, buckets] of z[pick].entries()) yield { labels: { server: z.server, zone: z.zone, view: z.view, proto: PROTOS[i]! }, buckets };
      }
    };
  new HistogramCollector('coredns_dns_request_size_bytes', 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.', bySize('requestSizes')).register(registry);
  new HistogramCollector('coredns_dns_response_size_bytes', 'Size of the returned response in bytes.', bySize('responseSizes')).register(registry);

  const pluginEnabled = new Gauge({
    name: 'coredns_plugin_enabled',
    help: 'A metric that indicates whether a plugin is enabled on per server and zone basis.',
    labelNames: ['server', 'zone', 'view', 'name'],
    registers,
    // Every worker of a process runs the same blocks: its /metrics says 1, not the number of workers.
    aggregator: 'max',
    collect() {
      pluginEnabled.reset();
      for (const block of enabled) {
        const server = block.server();
        for (const zone of block.zones) for (const name of block.plugins) pluginEnabled.set({ server, zone, view, name }, 1);
      }
    },
  });
  return {
    stats,
    enable(block) {
      enabled.add(block);
      return () => void enabled.delete(block);
    },
  };
});

/**
 * What the process reports once, whatever its workers: coredns_build_info and
 * the process_* and nodejs_* metrics. Registered by the primary alone (the
 * other workers' registries are summed into its /metrics, and the process's
 * CPU time counted once per worker would be counted N times).
 */
export const processMetrics = perRegistry(function createProcessMetrics(registry: Registry): void {
  new Gauge({
    name: 'coredns_build_info',
    help: "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
    labelNames: ['version', 'revision', 'goversion'],
    registers: [registry],
  }).set({ version: VERSION, revision: '', goversion: process.version }, 1);
  runtimeMetrics(registry);
});
