import { isIP } from 'node:net';
import { ChainDNSError } from '@chaindns/core';
import { parseAllDocuments } from 'yaml';

/** CoreDNS's forward takes at most this many upstreams. */
export const MAX_UPSTREAMS = 15;

export interface KubeDnsMigration {
  /** The Corefile. */
  readonly corefile: string;
  /** What became of each part of the ConfigMap, and what was dropped and why. */
  readonly notes: readonly string[];
}

/** The `data` of a kube-dns ConfigMap: the keys kube-dns reads, as JSON text. */
export interface KubeDnsData {
  readonly stubDomains?: string;
  readonly upstreamNameservers?: string;
  readonly federations?: string;
  readonly [key: string]: string | undefined;
}

function fail(source: string, message: string): never {
  throw new ChainDNSError('CHAINDNS_OPTIONS', `${source}: ${message}`);
}

/**
 * The `data` of the kube-dns ConfigMap in YAML or JSON text (`kubectl get
 * configmap kube-dns -o yaml`): the document of kind ConfigMap, the one named
 * kube-dns when there are several (a List's items count).
 */
export function readConfigMap(text: string, source: string): KubeDnsData {
  const maps: { metadata?: { name?: unknown }; data?: unknown }[] = [];
  const collect = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    const obj = value as { kind?: unknown; items?: unknown };
    if (obj.kind === 'ConfigMap') maps.push(obj as (typeof maps)[number]);
    else if (Array.isArray(obj.items)) obj.items.forEach(collect);
  };
  for (const doc of parseAllDocuments(text)) {
    const error = doc.errors[0];
    if (error) fail(source, `line ${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]}`);
    collect(doc.toJS() as unknown);
  }
  const map = maps.length === 1 ? maps[0] : maps.find((m) => m.metadata?.name === 'kube-dns');
  if (!map) fail(source, maps.length ? `${maps.length} ConfigMaps and none is named kube-dns` : 'no ConfigMap in it (expected the kube-dns ConfigMap of kube-system)');
  const data = map.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data) || Object.values(data).some((v) => typeof v !== 'string')) fail(source, 'data: expected a map of strings');
  return data as KubeDnsData;
}

/** A DNS name as kube-dns took it: labels of letters, digits, `-` and `_`, no trailing dot needed. */
function domainName(text: string, source: string, what: string): string {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  if (name === '' || name.length > 253 || !name.split('.').every((l) => /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/.test(l))) fail(source, `${what}: "${text}" is not a domain name`);
  return name;
}

/**
 * A name server as kube-dns took it: `IP`, `IP:port`, `[IPv6]:port`. A host
 * name is left out (null), as kubeadm did: forward takes addresses only.
 */
function nameServer(text: string, source: string, what: string): string | null {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+):(\d+)$/.exec(text);
  const [host, port] = bracket ? [bracket[1]!, bracket[2]] : plain ? [plain[1]!, plain[2]] : [text, undefined];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) fail(source, `${what}: "${text}": the port must be 1 to 65535`);
  if (isIP(host) === 0) {
    if (/^[a-z0-9.-]+$/i.test(host)) return null;
    fail(source, `${what}: "${text}" is not an address (IP, IP:port or [IPv6]:port)`);
  }
  return text;
}

function parseJson(text: string, source: string, key: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    return fail(source, `${key}: not JSON: ${(err as Error).message}`);
  }
}

/** Name servers kept (addresses, at most 15) and what was left out. */
function servers(list: unknown, source: string, what: string, notes: string[]): string[] {
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string')) fail(source, `${what}: expected a list of name servers`);
  const kept: string[] = [];
  for (const s of list as string[]) {
    const server = nameServer(s, source, what);
    if (server === null) notes.push(`${what}: ${s} left out: a host name, and forward takes addresses (kubeadm left them out too)`);
    else kept.push(server);
  }
  if (kept.length > MAX_UPSTREAMS) notes.push(`${what}: ${kept.slice(MAX_UPSTREAMS).join(' ')} left out: forward takes at most ${MAX_UPSTREAMS} upstreams`);
  return kept.slice(0, MAX_UPSTREAMS);
}

/** dnsmasq's `--cache-size=1000 --no-negcache` in front of kube-dns: 1000 answers, no denials. */
const CACHE = ['    cache {', '        success 1000', '        disable denial', '    }'];

/**
 * A Corefile with the kube-dns pod's behaviour, from its ConfigMap's `data`
 * (none: the defaults), as kubeadm translated it when it moved clusters to
 * CoreDNS: `kubernetes` for the domain, `upstreamNameservers` (else the
 * node's resolv.conf) as the default `forward`, a server block forwarding
 * each stub domain; with dnsmasq's cache in front, and health, readiness and
 * metrics on CoreDNS's ports. `federations` are dropped (CoreDNS removed the
 * federation plugin in 1.7).
 */
export function migrateKubeDns(data: KubeDnsData | null, options: { domain?: string; source?: string } = {}): KubeDnsMigration {
  const source = options.source ?? 'kube-dns ConfigMap';
  const domain = domainName(options.domain ?? 'cluster.local', '--domain', 'the cluster domain');
  const notes: string[] = [];
  for (const key of Object.keys(data ?? {})) {
    if (!['stubDomains', 'upstreamNameservers', 'federations'].includes(key)) notes.push(`${key}: ignored: kube-dns reads only stubDomains, upstreamNameservers and federations`);
  }
  let upstreams = ['/etc/resolv.conf'];
  if (data?.upstreamNameservers !== undefined) {
    const kept = servers(parseJson(data.upstreamNameservers, source, 'upstreamNameservers'), source, 'upstreamNameservers', notes);
    if (kept.length > 0) {
      upstreams = kept;
      notes.push(`upstreamNameservers: ${kept.join(' ')} in place of /etc/resolv.conf in the main block's forward`);
    } else notes.push("upstreamNameservers: no address in it: the main block forwards to the node's /etc/resolv.conf, as kube-dns did without the key");
  }
  const stubs: [string, string[]][] = [];
  if (data?.stubDomains !== undefined) {
    const map = parseJson(data.stubDomains, source, 'stubDomains');
    if (map === null || typeof map !== 'object' || Array.isArray(map)) fail(source, 'stubDomains: expected a map from a domain to its name servers');
    for (const [written, list] of Object.entries(map)) {
      const name = domainName(written, source, 'stubDomains');
      if (name === domain) fail(source, `stubDomains: ${name} is the cluster domain`);
      if (stubs.some(([seen]) => seen === name)) fail(source, `stubDomains: ${name} is given twice`);
      const kept = servers(list, source, `stubDomains: ${name}`, notes);
      if (kept.length === 0) notes.push(`stubDomains: ${name} dropped: no address among its name servers`);
      else {
        stubs.push([name, kept]);
        notes.push(`stubDomains: ${name}: a server block of its own, forwarding to ${kept.join(' ')}`);
      }
    }
  }
  if (data?.federations !== undefined) {
    const map = parseJson(data.federations, source, 'federations');
    const names = map !== null && typeof map === 'object' ? Object.entries(map).map(([k, v]) => `${k} (${String(v)})`) : [];
    notes.push(`federations: dropped${names.length ? ` (${names.join(', ')})` : ''}: CoreDNS removed the federation plugin in 1.7 and chaindns has none; those names no longer resolve`);
  }
  const lines = [
    `# The kube-dns pod's behaviour, from the kube-dns ConfigMap (chaindns migrate kube-dns):`,
    `# dnsmasq's cache in front, kube-dns for ${domain}, stub domains and upstream name servers`,
    `# as kubeadm translated them; health, readiness and metrics on CoreDNS's ports.`,
    '. {',
    '    errors',
    '    health :8080 {',
    '        lameduck 5s',
    '    }',
    '    ready :8181',
    `    kubernetes ${domain} in-addr.arpa ip6.arpa {`,
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '        ttl 30',
    '    }',
    '    prometheus :9153',
    `    forward . ${upstreams.join(' ')} {`,
    '        max_concurrent 1000',
    '    }',
    ...CACHE,
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
    ...stubs.flatMap(([name, kept]) => [`${name} {`, '    errors', '    prometheus :9153', `    forward . ${kept.join(' ')}`, ...CACHE, '    loop', '}']),
  ];
  return { corefile: `${lines.join('\n')}\n`, notes };
}
