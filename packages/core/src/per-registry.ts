import type { Registry } from 'prom-client';

/**
 * Makes a plugin's metrics factory create its metrics once per server
 * registry: setup runs per block and per reload, and prom-client refuses a
 * name registered twice. A registry that is dropped takes its metrics along.
 */
export function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
  const memo = new WeakMap<Registry, T>();
  return (registry) => {
    let metrics = memo.get(registry);
    if (metrics === undefined) memo.set(registry, (metrics = create(registry)));
    return metrics;
  };
}
