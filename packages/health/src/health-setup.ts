import { definePlugin, eachSubdirective, expectArgs, parseDuration, formatHostPort, parseHostPort } from '@chaindns/core';
import { healthAnswer, lameduck, startProbe } from './health.js';
import { type HttpAddress, servePath } from './http.js';
import { healthMetrics } from './metrics.js';

export interface HealthConfig {
  readonly address: HttpAddress;
  /** How long a stopping process keeps serving before it closes; 0 for none. */
  readonly lameduckMs: number;
}

/** `health [ADDRESS] { lameduck DURATION }`; ADDRESS defaults to `:8080`. */
export const health = definePlugin<HealthConfig>({
  name: 'health',
  parse(d) {
    const [address] = expectArgs(d, 0, 1);
    let lameduckMs = 0;
    eachSubdirective(d, {
      lameduck: (sub) => {
        lameduckMs = parseDuration(expectArgs(sub, 1, 1)[0]!);
      },
    });
    return { address: address ? parseHostPort(address, 'health') : { host: '', port: 8080 }, lameduckMs };
  },
  async setup(config, ctx) {
    // Every worker keeps serving through the lameduck; the primary alone listens and answers for all.
    if (config.lameduckMs > 0) ctx.onFinalShutdown(() => lameduck(config.lameduckMs, ctx.log));
    if (ctx.workers.index > 0) return;
    const endpoint = await servePath(ctx, config.address, '/health', () => healthAnswer(ctx.status));
    // One probe per listener, kept across reloads like the listener itself.
    const metrics = healthMetrics(ctx.registry);
    await ctx.shared(
      `health-probe:${formatHostPort(config.address)}`,
      () => startProbe(`${endpoint.url}/health`, metrics, ctx.log),
      (probe) => probe.stop(),
    );
  },
});
