import { Counter, perRegistry, type Registry } from '@chaindns/core';
import { ENDINGS, type Ended, type Fix, FIXES } from '../page/frame.js';
import type { Lookup } from './search-path.js';

/**
 * The search-path figures since the server started, in plain numbers
 * bumped as searches finish, read by the registry at scrape time. They live
 * as long as the registry, across reloads, as CoreDNS's counters do.
 */
export class SearchPathCounts {
  expansions = 0;
  readonly lookups = Object.fromEntries(ENDINGS.map((e) => [e, 0])) as Record<Ended, number>;
  readonly saved = Object.fromEntries(FIXES.map((f) => [f, 0])) as Record<Fix, number>;
  readonly added = Object.fromEntries(FIXES.map((f) => [f, 0])) as Record<Fix, number>;

  count(lookup: Lookup): void {
    this.expansions += lookup.expansions;
    if (!lookup.continued) this.lookups[lookup.ended]++;
    for (const fix of FIXES) {
      const n = lookup.saved[fix];
      if (n > 0) this.saved[fix] += n;
      else if (n < 0) this.added[fix] -= n;
    }
  }
}

/**
 * The dashboard's own metrics (chaindns's, not CoreDNS's; `coredns_` so
 * they sit beside the rest), one set per server registry, without a
 * `server` label: a client's search crosses server blocks (its cluster
 * names in one, `NAME.` in another).
 */
export const searchPathMetrics = perRegistry(function createMetrics(registry: Registry): SearchPathCounts {
  const counts = new SearchPathCounts();
  const registers = [registry];
  const expansions: Counter = new Counter({
    name: 'coredns_dashboard_searchpath_expansions_total',
    help: "Queries that were a client's search-path expansion: a search name that did not answer, before the one that did (chaindns).",
    registers,
    collect() {
      expansions.reset();
      expansions.inc(counts.expansions);
    },
  });
  const lookups: Counter = new Counter({
    name: 'coredns_dashboard_searchpath_lookups_total',
    help: 'Lookups that went through a client search path with at least one expansion, by how they ended (chaindns).',
    labelNames: ['ended'],
    registers,
    collect() {
      lookups.reset();
      for (const ended of ENDINGS) lookups.inc({ ended }, counts.lookups[ended]);
    },
  });
  const saved: Counter = new Counter({
    name: 'coredns_dashboard_searchpath_avoidable_total',
    help: 'Queries a fix would have saved: autopath, a trailing dot, or ndots:N in the pod dnsConfig (chaindns).',
    labelNames: ['fix'],
    registers,
    collect() {
      saved.reset();
      for (const fix of FIXES) saved.inc({ fix }, counts.saved[fix]);
    },
  });
  const added: Counter = new Counter({
    name: 'coredns_dashboard_searchpath_added_total',
    help: 'Queries a fix would have added: ndots:N asks a name with N dots as given first, even one a search name answers (chaindns).',
    labelNames: ['fix'],
    registers,
    collect() {
      added.reset();
      for (const fix of FIXES) if (fix.startsWith('ndots:')) added.inc({ fix }, counts.added[fix]);
    },
  });
  return counts;
});
