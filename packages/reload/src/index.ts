export { reload, reload as default, type ReloadConfig } from './setup.js';
export { CorefileWatcher, ReloadState, type WatcherOptions } from './reload.js';
export { corefileDigest, currentDigest } from './digest.js';
export { reloadMetrics, type ReloadMetrics } from './metrics.js';
