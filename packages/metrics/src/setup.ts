import { configError, definePlugin, expectArgs, formatHostPort, parseHostPort } from '@chaindns/core';
import { type HttpAddress, openMetrics } from './http.js';
import { dnsMetrics, processMetrics } from './metrics.js';
import { createPrometheus } from './prometheus.js';

export interface PrometheusConfig {
  readonly address: HttpAddress;
}

/** CoreDNS's default: `localhost:9153`. */
export const DEFAULT_ADDRESS: HttpAddress = { host: 'localhost', port: 9153 };

/** CoreDNS options chaindns does not offer, refused by name rather than as unknown. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  tls: 'serving /metrics over TLS is not supported; put a TLS proxy (or the kubelet) in front',
  runtime_metrics: 'Go runtime metrics do not exist in Node.js; the process and nodejs_* metrics are always exported',
};

/** `prometheus [ADDRESS]`: once per block; blocks naming one address share its listener. */
export const prometheus = definePlugin<PrometheusConfig>({
  name: 'prometheus',
  parse(d) {
    const [address] = expectArgs(d, 0, 1);
    for (const sub of d.block ?? []) {
      const why = UNSUPPORTED[sub.name];
      configError(sub, why ? `prometheus: "${sub.name}": ${why}` : `prometheus: unknown property "${sub.name}"; prometheus takes no block`);
    }
    return { address: address ? parseHostPort(address, 'prometheus', 'localhost:9153, :9153 or [::1]:9153') : DEFAULT_ADDRESS };
  },
  setup(config, ctx) {
    const metrics = dnsMetrics(ctx.registry);
    ctx.onShutdown(metrics.enable({ server: () => ctx.server, zones: ctx.zones, plugins: ctx.plugins }));
    // The other workers count their queries; the primary reports the process and listens for all.
    if (ctx.workers.index > 0) return createPrometheus(metrics.stats);
    processMetrics(ctx.registry);
    ctx.onStartup(async () => {
      await ctx.shared(
        // Not `http:ADDRESS`: health and ready share listeners of another shape under that key.
        `prometheus http:${formatHostPort(config.address)}`,
        () => openMetrics(config.address, ctx.registry, ctx.log, ctx.listen),
        (endpoint) => endpoint.close(),
      );
    });
    return createPrometheus(metrics.stats);
  },
});
