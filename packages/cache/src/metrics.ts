import { Counter, Gauge, perRegistry, type Registry } from '@chaindns/core';
import type { Kind } from './entry.js';

const KINDS: readonly Kind[] = ['success', 'denial'];

/**
 * The counts one cache keeps for one `server` label. The hot path only bumps
 * these numbers; they reach prom-client when the registry is scraped (or the
 * cache is retired), so a hit never hashes label sets.
 */
export class CacheCounts {
  requests = 0;
  misses = 0;
  prefetches = 0;
  drops = 0;
  servedStale = 0;
  readonly hits: Record<Kind, number> = { success: 0, denial: 0 };
  readonly evictions: Record<Kind, number> = { success: 0, denial: 0 };
  constructor(readonly server: string) {}
}

type CountField = 'requests' | 'misses' | 'prefetches' | 'drops' | 'servedStale';
type KindField = 'hits' | 'evictions';

/** What a cache shows its metrics: its `zones` label, its counts by server, its sizes. */
export interface CacheSource {
  readonly zones: string;
  counts(): Iterable<CacheCounts>;
  size(kind: Kind): number;
}

export interface CacheMetrics {
  /** Publishes a cache's counts from now on; the function returned publishes what is left and stops. */
  track(source: CacheSource): () => void;
}

/** CoreDNS's cache metrics in `registry`, created once per registry. The `view` label is always "". */
export const cacheMetrics = perRegistry(function createMetrics(registry: Registry): CacheMetrics {
  const sources = new Set<CacheSource>();
  const flushers: ((source: CacheSource) => void)[] = [];
  const flushAll = (): void => {
    for (const s of sources) for (const f of flushers) f(s);
  };

  const counter = (name: string, help: string, field: CountField): void => {
    const metric = new Counter({ name, help, labelNames: ['server', 'zones', 'view'], registers: [registry], collect: flushAll });
    flushers.push((s) => {
      for (const c of s.counts()) {
        metric.inc({ server: c.server, zones: s.zones, view: '' }, c[field]);
        c[field] = 0;
      }
    });
  };
  const kindCounter = (name: string, help: string, field: KindField): void => {
    const metric = new Counter({ name, help, labelNames: ['server', 'type', 'zones', 'view'], registers: [registry], collect: flushAll });
    flushers.push((s) => {
      for (const c of s.counts()) {
        for (const type of KINDS) {
          metric.inc({ server: c.server, type, zones: s.zones, view: '' }, c[field][type]);
          c[field][type] = 0;
        }
      }
    });
  };

  new Gauge({
    name: 'coredns_cache_entries',
    help: 'The number of elements in the cache.',
    labelNames: ['server', 'type', 'zones', 'view'],
    registers: [registry],
    collect() {
      for (const s of sources) {
        for (const c of s.counts()) for (const type of KINDS) this.set({ server: c.server, type, zones: s.zones, view: '' }, s.size(type));
      }
    },
  });
  counter('coredns_cache_requests_total', 'The count of cache requests.', 'requests');
  kindCounter('coredns_cache_hits_total', 'The count of cache hits.', 'hits');
  counter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.', 'misses');
  counter('coredns_cache_prefetch_total', 'The number of times the cache has prefetched a cached item.', 'prefetches');
  counter('coredns_cache_drops_total', 'The number responses that are not cached, because the reply is malformed.', 'drops');
  counter('coredns_cache_served_stale_total', 'The number of requests served from stale cache entries.', 'servedStale');
  kindCounter('coredns_cache_evictions_total', 'The count of cache evictions.', 'evictions');

  return {
    track(source) {
      sources.add(source);
      return () => {
        for (const f of flushers) f(source);
        sources.delete(source);
      };
    },
  };
});
