export { cache, cache as default, parseCache, DEFAULT_CAPACITY, type CacheConfig, type KindConfig } from './setup.js';
export { Cache, type CacheOptions } from './cache.js';
export { cacheMetrics, type CacheMetrics } from './metrics.js';
