import { Gauge, type Registry } from '@chaindns/core';

/** What a hosts plugin shows its metrics: its file and how many entries it serves, once the file was read. */
export interface HostsEntries {
  readonly path: string;
  /** The inline entries and the file's, counted as CoreDNS does; null until the file was read. */
  readonly entries: number | null;
}

export interface HostsMetrics {
  /** Publishes a plugin's entries from now on; the function returned stops (a retired config). */
  track(source: HostsEntries): () => void;
  /** `coredns_hosts_reload_timestamp_seconds`: the modification time of the file just read. */
  reloaded(mtimeSeconds: number): void;
}

const byRegistry = new WeakMap<Registry, HostsMetrics>();

/**
 * CoreDNS's hosts metrics in `registry`, created once per registry (setup
 * runs per block and per reload). `coredns_hosts_entries{hostsfile}` is read
 * from the live configs at scrape time, so a retired config's file leaves it.
 */
export function hostsMetrics(registry: Registry): HostsMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) byRegistry.set(registry, (metrics = createMetrics(registry)));
  return metrics;
}

function createMetrics(registry: Registry): HostsMetrics {
  const sources = new Set<HostsEntries>();
  new Gauge({
    name: 'coredns_hosts_entries',
    help: 'The combined number of entries in hosts and Corefile.',
    labelNames: ['hostsfile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources) if (s.entries !== null) this.set({ hostsfile: s.path }, s.entries);
    },
  });
  const reloadTime = new Gauge({
    name: 'coredns_hosts_reload_timestamp_seconds',
    help: 'The timestamp of the last reload of hosts file.',
    registers: [registry],
  });
  return {
    track(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
    reloaded: (mtimeSeconds) => reloadTime.set(mtimeSeconds),
  };
}
