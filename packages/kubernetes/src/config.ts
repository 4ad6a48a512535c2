import { configError, type Directive, eachSubdirective, expectArgs, type NamedFile, type ParseContext, parseChoice, parseDuration, parseFallthrough, parseInteger, parseZones } from '@chaindns/core';
import { isReverseName } from './ip.js';
import { type LabelSelector, parseLabelSelector } from './label-selector.js';
import type { PodMode } from './records.js';

/** Where in the Corefile something was written, for errors found at setup. */
export interface Position {
  readonly file: string;
  readonly line: number;
}

/** The `kubernetes` directive, parsed. */
export interface KubernetesConfig {
  /** The directive itself. */
  readonly at: Position;
  /** Zones answered (lowercased FQDNs; CIDRs expanded to reverse zones). */
  readonly zones: readonly string[];
  /** The first forward zone: where PTR answers point. */
  readonly primaryZone: string;
  readonly endpoint: string | null;
  readonly tls: { readonly cert: string; readonly key: string; readonly ca: string } | null;
  readonly kubeconfig: { readonly path: string; readonly context: string | null } | null;
  /** `namespaces`: only these are exposed; empty exposes all. */
  readonly namespaces: readonly string[];
  readonly namespaceLabels: LabelSelector | null;
  readonly labels: LabelSelector | null;
  readonly pods: PodMode;
  readonly endpointPodNames: boolean;
  readonly ttl: number;
  readonly noEndpoints: boolean;
  /** Zones where NXDOMAIN falls through; null when `fallthrough` is absent, ['.'] for all. */
  readonly fallthrough: readonly string[] | null;
  readonly ignoreEmptyService: boolean;
  readonly startupTimeoutMs: number;
  readonly apiserverQps: number | null;
  readonly apiserverBurst: number | null;
  readonly apiserverMaxInflight: number | null;
  /** `manifests PATH...`: feed the index from YAML files instead of the API. */
  readonly manifests: { readonly paths: readonly string[]; readonly at: Position } | null;
}

export const DEFAULT_TTL = 5;
export const DEFAULT_STARTUP_TIMEOUT_MS = 5000;

/** Options CoreDNS once had and dropped: a warning, not a failure, so old Corefiles keep loading. */
const REMOVED: Readonly<Record<string, string>> = {
  resyncperiod: 'resyncperiod is no longer supported and is ignored: watches need no resync',
  upstream: 'upstream is no longer supported and is ignored: ExternalName targets are resolved through this server',
  transfer: 'transfer is no longer supported here and is ignored: use the transfer plugin (zone transfers are refused)',
};

const position = (d: Directive): Position => ({ file: d.token.file, line: d.token.line });

/** Parses `kubernetes [ZONES...] { ... }` as CoreDNS does. */
export function parseKubernetes(d: Directive, ctx: ParseContext): KubernetesConfig {
  const zones = parseZones(d.args, ctx.zones);
  const primaryZone = zones.find((z) => !isReverseName(z));
  if (!primaryZone) configError(d, 'kubernetes: non-reverse zone name must be used');
  const c = {
    endpoint: null as string | null,
    endpointToken: null as Directive | null,
    tls: null as KubernetesConfig['tls'],
    tlsToken: null as Directive | null,
    kubeconfig: null as KubernetesConfig['kubeconfig'],
    namespaces: [] as string[],
    namespaceLabels: null as LabelSelector | null,
    labels: null as LabelSelector | null,
    pods: 'disabled' as PodMode,
    endpointPodNames: false,
    ttl: DEFAULT_TTL,
    noEndpoints: false,
    fallthrough: null as string[] | null,
    ignoreEmptyService: false,
    startupTimeoutMs: DEFAULT_STARTUP_TIMEOUT_MS,
    apiserverQps: null as number | null,
    apiserverBurst: null as number | null,
    apiserverMaxInflight: null as number | null,
    manifests: null as KubernetesConfig['manifests'],
    apiToken: null as Directive | null,
  };
  const selector = (sub: Directive): LabelSelector => {
    const text = expectArgs(sub, 1)
      .map((t) => t.text)
      .join(' ');
    try {
      return parseLabelSelector(text);
    } catch (err) {
      configError(sub, `kubernetes: unable to parse ${sub.name} value "${text}": ${(err as Error).message}`);
    }
  };
  const none = (sub: Directive): void => void expectArgs(sub, 0, 0);
  const removed = Object.fromEntries(Object.entries(REMOVED).map(([name, message]) => [name, (sub: Directive) => ctx.warn(sub.token, `kubernetes: ${message}`)]));
  eachSubdirective(
    d,
    {
      endpoint: (sub) => {
        const args = expectArgs(sub, 1);
        const url = args[0]!.text;
        if (!/^https?:\/\/[^/\s]+/.test(url)) configError(args[0]!, `kubernetes: endpoint "${url}" is not an http:// or https:// URL`);
        if (args.length > 1) ctx.warn(sub.token, `kubernetes: multiple endpoints are deprecated, only the first one "${url}" is used`);
        c.endpoint = url.replace(/\/+$/, '');
        c.endpointToken = sub;
      },
      tls: (sub) => {
        const [cert, key, ca] = expectArgs(sub, 3, 3);
        c.tls = { cert: cert!.text, key: key!.text, ca: ca!.text };
        c.tlsToken = sub;
      },
      kubeconfig: (sub) => {
        const [path, context] = expectArgs(sub, 1, 2);
        c.kubeconfig = { path: path!.text, context: context?.text ?? null };
      },
      namespaces: (sub) => {
        for (const t of expectArgs(sub, 1)) c.namespaces.push(t.text.toLowerCase());
      },
      namespace_labels: (sub) => void (c.namespaceLabels = selector(sub)),
      labels: (sub) => void (c.labels = selector(sub)),
      pods: (sub) => {
        const [mode] = expectArgs(sub, 1, 1);
        c.pods = parseChoice(mode!, ['disabled', 'insecure', 'verified']);
      },
      endpoint_pod_names: (sub) => {
        none(sub);
        c.endpointPodNames = true;
      },
      ttl: (sub) => {
        const [ttl] = expectArgs(sub, 1, 1);
        c.ttl = parseInteger(ttl!, 0, 3600);
      },
      noendpoints: (sub) => {
        none(sub);
        c.noEndpoints = true;
      },
      fallthrough: (sub) => {
        c.fallthrough = parseFallthrough(sub);
      },
      ignore: (sub) => {
        const [what] = expectArgs(sub, 1, 1);
        parseChoice(what!, ['empty_service']);
        c.ignoreEmptyService = true;
      },
      startup_timeout: (sub) => {
        const [t] = expectArgs(sub, 1, 1);
        c.startupTimeoutMs = parseDuration(t!, { min: 0 });
      },
      apiserver_qps: (sub) => {
        const [t] = expectArgs(sub, 1, 1);
        if (!/^\d+(\.\d+)?$/.test(t!.text) || Number(t!.text) <= 0) configError(t!, `kubernetes: apiserver_qps must be a number above 0, got "${t!.text}"`);
        c.apiserverQps = Number(t!.text);
        c.apiToken = sub;
      },
      apiserver_burst: (sub) => {
        const [t] = expectArgs(sub, 1, 1);
        c.apiserverBurst = parseInteger(t!, 1);
        c.apiToken = sub;
      },
      apiserver_max_inflight: (sub) => {
        const [t] = expectArgs(sub, 1, 1);
        c.apiserverMaxInflight = parseInteger(t!, 1);
        c.apiToken = sub;
      },
      manifests: (sub) => {
        c.manifests = { paths: expectArgs(sub, 1).map((t) => t.text), at: position(sub) };
      },
      ...removed,
    },
    ['namespaces'],
  );
  if (c.manifests) {
    // The API options would silently do nothing with manifests: refuse them.
    const api = c.endpointToken ?? c.tlsToken ?? c.apiToken ?? (c.kubeconfig ? d : null);
    if (api) configError(api, 'kubernetes: manifests cannot be combined with endpoint, tls, kubeconfig or apiserver_* options');
  }
  // CoreDNS accepts these and uses the kubeconfig, or the service account: keep such Corefiles loading, but say so.
  if (c.kubeconfig && c.endpointToken) ctx.warn(c.endpointToken.token, 'kubernetes: endpoint is ignored: the kubeconfig names the API server');
  if (c.tlsToken && (c.kubeconfig || !c.endpoint)) ctx.warn(c.tlsToken.token, 'kubernetes: tls is ignored without endpoint (the kubeconfig or the service account provide the credentials)');
  return {
    at: position(d),
    zones,
    primaryZone,
    endpoint: c.kubeconfig ? null : c.endpoint,
    tls: c.kubeconfig || !c.endpoint ? null : c.tls,
    kubeconfig: c.kubeconfig,
    namespaces: [...new Set(c.namespaces)],
    namespaceLabels: c.namespaceLabels,
    labels: c.labels,
    pods: c.pods,
    endpointPodNames: c.endpointPodNames,
    ttl: c.ttl,
    noEndpoints: c.noEndpoints,
    fallthrough: c.fallthrough,
    ignoreEmptyService: c.ignoreEmptyService,
    startupTimeoutMs: c.startupTimeoutMs,
    apiserverQps: c.apiserverQps,
    apiserverBurst: c.apiserverBurst,
    apiserverMaxInflight: c.apiserverMaxInflight,
    manifests: c.manifests,
  };
}

/**
 * The files setup will read: the kubeconfig, the `tls` files of an endpoint,
 * the manifests. The in-cluster service account is not listed: it exists only
 * in a pod, and its absence elsewhere is the environment's, not the Corefile's.
 */
export function kubernetesFiles(config: KubernetesConfig): NamedFile[] {
  if (config.manifests) return config.manifests.paths.map((path) => ({ path, at: config.manifests!.at, what: 'manifests', directory: true }));
  if (config.kubeconfig) return [{ path: config.kubeconfig.path, at: config.at, what: 'kubeconfig' }];
  const tls = config.tls;
  return tls ? [tls.cert, tls.key, tls.ca].map((path) => ({ path, at: config.at, what: 'tls' })) : [];
}
