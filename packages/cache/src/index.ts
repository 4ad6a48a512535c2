export { cache, cache as default, parseCache, DEFAULT_CAPACITY, type CacheConfig, type KindConfig } from './setup.js';
export { Cache, cacheKey, type CacheOptions } from './cache.js';
export { cacheMetrics, type CacheMetrics } from './metrics.js';
