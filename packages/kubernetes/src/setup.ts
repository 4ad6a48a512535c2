import { CorefileError, definePlugin, type Logger } from '@chaindns/core';
import { type KubernetesConfig, kubernetesFiles, parseKubernetes } from './config.js';
import type { IndexReader } from './index-reader.js';
import { ClusterIndex } from './index-store.js';
import { loadKubeConfig } from './kubeconfig.js';
import { createKubernetes } from './kubernetes.js';
import { kubernetesZoneSource } from './zone-source.js';
import { kubernetesExternal } from './external.js';
import { localAddresses } from './local-addresses.js';
import { kubernetesMetadata } from './metadata.js';
import { kubernetesMetrics } from './metrics.js';
import { resourcesFor, type Source } from './resources.js';
import { hostSearch, kubernetesSearchPath } from './search-path.js';
import { publishSnapshots, SharedIndex } from './shared-index.js';

/**
 * `kubernetes [ZONES...] { ... }`: cluster DNS from the Kubernetes API (or
 * from manifests), per the Kubernetes DNS-Based Service Discovery spec.
 */
export const kubernetes = definePlugin<KubernetesConfig>({
  name: 'kubernetes',
  parse: parseKubernetes,
  files: kubernetesFiles,
  async setup(config, ctx) {
    const resources = resourcesFor(config);
    const metrics = kubernetesMetrics(ctx.registry);
    // The workers of one process share the primary's index: one set of watches, one index, in shared memory.
    const key = `kubernetes ${config.at.file}:${config.at.line}`;
    let index: IndexReader;
    let source: Source;
    try {
      if (ctx.workers.index > 0) {
        const shared = new SharedIndex(
          resources.map((r) => r.kind),
          config.manifests ? 'files' : 'watching',
        );
        ctx.onShutdown(ctx.workers.subscribe(key, (snapshot) => shared.take(snapshot)));
        index = source = shared;
      } else if (config.manifests) {
        const { ManifestSource } = await import('./manifests.js');
        const cluster = new ClusterIndex();
        const manifests = new ManifestSource(config.manifests.paths, resources, cluster, ctx.log, config.namespaceLabels === null);
        manifests.load();
        index = cluster;
        source = manifests;
      } else {
        const kc = await loadKubeConfig(config, process.env);
        // client-node is large: it is loaded only when the API is what feeds the index.
        const { ApiSource } = await import('./watch.js');
        const cluster = new ClusterIndex();
        index = cluster;
        source = new ApiSource(kc, resources, cluster, ctx.log, metrics, {
          qps: config.apiserverQps,
          burst: config.apiserverBurst,
          maxInflight: config.apiserverMaxInflight,
        });
      }
    } catch (err) {
      // Found only now (files, the environment), but still the Corefile's to fix: say where.
      const at = config.manifests?.at ?? config.at;
      const what = config.manifests ? 'manifests: ' : '';
      throw new CorefileError('CHAINDNS_DIRECTIVE_ARGS', at.file, at.line, `kubernetes: ${what}${(err as Error).message}`, { cause: err });
    }
    // For `autopath @kubernetes`: the search path of the pod that asks.
    ctx.offer('searchPath', kubernetesSearchPath({ zones: config.zones, pods: config.pods, index, hostSearch: hostSearch(), log: ctx.log }));
    // For the metadata plugin: the client pod's namespace and the parts of the name asked.
    ctx.offer('metadata', kubernetesMetadata({ zones: config.zones, pods: config.pods, index }));
    ctx.registerReady('kubernetes', () => source.synced);
    if (index instanceof ClusterIndex && ctx.workers.count > 1) {
      const cluster = index;
      let publisher: { stop(): void } | null = null;
      ctx.onStartup(() => void (publisher = publishSnapshots(cluster, source, ctx.workers, key, ctx.log)));
      ctx.onShutdown(() => publisher?.stop());
    }
    ctx.onStartup(() => startAndWait(source, config.startupTimeoutMs, ctx.log));
    ctx.onShutdown(() => source.stop());
    const options = {
      index,
      zones: config.zones,
      primaryZone: config.primaryZone,
      namespaces: config.namespaces.length > 0 ? new Set(config.namespaces) : null,
      pods: config.pods,
      endpointPodNames: config.endpointPodNames,
      ignoreEmptyService: config.ignoreEmptyService,
      ttl: config.ttl,
      fallthrough: config.fallthrough,
      localIPs: localAddresses(),
      synced: () => source.synced,
      keepReplies: !cacheBefore(ctx.plugins),
      resolve: (name: string, qtype: number) => ctx.resolve(name, qtype),
    };
    ctx.offer('zoneSource', kubernetesZoneSource(options));
    // For k8s_external: services' external addresses under another zone.
    ctx.offer('external', kubernetesExternal(options));
    // For the dashboard: the index's size and each resource's watch.
    ctx.offer('clusterSync', { zones: config.zones, synced: () => source.synced, objects: () => index.counts(), resources: () => source.syncStates() });
    return createKubernetes(options);
  },
});

/**
 * Starts the source and holds the server's start until it has synced, for
 * at most `startup_timeout`; then, as CoreDNS, it serves anyway (SERVFAIL
 * for names it does not know yet) while the sync goes on.
 */
async function startAndWait(source: Source, timeoutMs: number, log: Logger): Promise<void> {
  source.start();
  const started = Date.now();
  let logAt = started + 500;
  while (!source.synced) {
    const now = Date.now();
    if (now - started >= timeoutMs) {
      log.warn('starting server with unsynced Kubernetes API');
      return;
    }
    if (now >= logAt) {
      log.info('waiting for Kubernetes API before starting server');
      logAt += 500;
    }
    // Every 5 ms: the server's first answer waits for this look, and a timer that finds nothing costs microseconds.
    await new Promise((r) => setTimeout(r, Math.min(5, timeoutMs - (now - started))));
  }
}

/**
 * True when a `cache` runs before this plugin in the block (CoreDNS's default Corefile): it
 * answers repeated questions, so replies kept here as well would only hold memory twice.
 */
export function cacheBefore(plugins: readonly string[]): boolean {
  const cache = plugins.indexOf('cache');
  return cache >= 0 && cache < plugins.indexOf('kubernetes');
}
