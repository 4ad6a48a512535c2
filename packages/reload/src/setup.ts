import { configError, definePlugin, expectArgs, expectNoBlock, parseDuration } from '@chaindns/core';
import { reloadMetrics } from './metrics.js';
import { CorefileWatcher, ReloadState } from './reload.js';

export interface ReloadConfig {
  readonly intervalMs: number;
  /** Already capped to half the interval. */
  readonly jitterMs: number;
}

const MIN_INTERVAL_MS = 2000;
const MIN_JITTER_MS = 1000;

/** `reload [INTERVAL] [JITTER]`, CoreDNS's limits: interval at least 2s, jitter at least 1s and at most half the interval. */
export const reload = definePlugin<ReloadConfig>({
  name: 'reload',
  parse(d) {
    const [interval, jitter] = expectArgs(d, 0, 2);
    expectNoBlock(d);
    const intervalMs = interval ? parseDuration(interval) : 30_000;
    if (interval && intervalMs < MIN_INTERVAL_MS) configError(interval, `reload: interval value must be greater or equal to 2s, got ${interval.text}`);
    const jitterMs = jitter ? parseDuration(jitter) : 15_000;
    if (jitter && jitterMs < MIN_JITTER_MS) configError(jitter, `reload: jitter value must be greater or equal to 1s, got ${jitter.text}`);
    return { intervalMs, jitterMs: Math.min(jitterMs, intervalMs / 2) };
  },
  async setup(config, ctx) {
    // The primary watches for the process, and reloads its other workers with what it loads.
    if (ctx.workers.index > 0) return;
    const metrics = reloadMetrics(ctx.registry);
    const state = await ctx.shared(
      'plugin/reload',
      () => new ReloadState(metrics),
      (s) => s.stop(),
    );
    if (!state.claim(ctx.corefile)) return;
    const path = ctx.corefile.path;
    if (path === null) {
      ctx.log.warn('the Corefile was not read from a file: there is nothing to watch');
      return;
    }
    // As CoreDNS: the interval moves by up to half the jitter either way, drawn once per config.
    const periodMs = config.intervalMs + Math.floor(Math.random() * config.jitterMs) - config.jitterMs / 2;
    const watcher = new CorefileWatcher({
      path,
      text: ctx.corefile.text,
      periodMs,
      log: ctx.log,
      metrics,
      setVersion: (digest) => state.setVersion(digest),
      requestReload: () => ctx.requestReload(),
    });
    ctx.onListen(() => state.activate(watcher));
    ctx.onShutdown(() => watcher.stop());
  },
});
