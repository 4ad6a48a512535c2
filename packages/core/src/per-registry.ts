import type { Registry } from 'prom-client';

/**
 * Makes a plugin's metrics factory create its metrics once per server
 * registry: setup runs per block and per reload, and prom-client refuses a
 * name registered twice. A registry that is dropped takes its metrics along.
 */
export function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
  const memo = new WeakMap<Registry, T>();
  return (registry) => {
    // By `has`: a factory that only registers returns undefined, and must not run again.
    if (!memo.has(registry)) memo.set(registry, create(registry));
    return memo.get(registry) as T;
  };
}
