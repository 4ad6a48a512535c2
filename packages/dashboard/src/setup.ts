import { definePlugin, eachSubdirective, expectArgs, formatHostPort, type HostPort, normalizeZone, parseHostPort } from '@chaindns/core';
import { createDashboard } from './dashboard.js';
import { DashboardServer } from './http.js';
import { type Block, DEFAULT_DOMAIN, Live } from './live.js';
import { searchPathMetrics } from './metrics.js';

export interface DashboardConfig {
  readonly address: HostPort;
  /** What the page and its API require (`?token=` or `Authorization: Bearer`); null: nothing. */
  readonly token: string | null;
  /** The cluster domains whose search paths are followed; null: the zones of the block's `kubernetes`, else cluster.local. */
  readonly domains: readonly string[] | null;
}

/** Loopback: the page shows every client's queries, so it is not offered to the network unless an address says so. */
export const DEFAULT_ADDRESS: HostPort = { host: '127.0.0.1', port: 8053 };

/** `dashboard [ADDRESS] { token TOKEN; cluster_domain DOMAIN... }`: once per block; blocks naming one address share its listener. */
export const dashboard = definePlugin<DashboardConfig>({
  name: 'dashboard',
  parse(d) {
    const [address] = expectArgs(d, 0, 1);
    let token: string | null = null;
    let domains: string[] | null = null;
    eachSubdirective(d, {
      token: (s) => {
        token = expectArgs(s, 1, 1)[0]!.text;
      },
      cluster_domain: (s) => {
        domains = expectArgs(s, 1).flatMap(normalizeZone);
      },
    });
    return { address: address ? parseHostPort(address, 'dashboard', '127.0.0.1:8053, :8053 or [::1]:8053') : DEFAULT_ADDRESS, token, domains };
  },
  async setup(config, ctx) {
    const counts = searchPathMetrics(ctx.registry);
    const upstreams = ctx.needAll('upstreams');
    const clusters = ctx.needAll('clusterSync');
    // One view of the whole server, kept across reloads: every block with `dashboard` feeds it.
    const live = await ctx.shared('dashboard live', () => new Live(ctx.registry, counts, ctx.workers), (l) => l.stop());
    let detach = (): void => {};
    ctx.onShutdown(() => detach());
    ctx.onStartup(async () => {
      // The offers are there once every setup of the block has run.
      const fromCluster = clusters.value.flatMap((c) => c.value.zones).filter((z) => z !== '.' && !z.endsWith('.arpa.'));
      const block: Block = { upstreams, clusters, domains: config.domains ?? (fromCluster.length > 0 ? fromCluster : [DEFAULT_DOMAIN]) };
      detach = live.attach(block);
      // With -workers N the page is the primary's: its Live sums the other workers' parts into its own.
      if (ctx.workers.index > 0) return;
      const server = await ctx.shared(
        `dashboard http:${formatHostPort(config.address)}`,
        () => DashboardServer.open(config.address, live, ctx.log, ctx.listen),
        (s) => s.close(),
      );
      ctx.onShutdown(server.serve(config.token));
    });
    return createDashboard(live);
  },
});
