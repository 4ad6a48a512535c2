import type { Endpoint, ServiceEntry } from './entries.js';
import type { IndexReader } from './index-reader.js';
import { canonicalIp, ipFromDashed, isReverseName } from './ip.js';

export type PodMode = 'disabled' | 'insecure' | 'verified';

/** What a lookup needs besides the name: the index and the options that shape answers. */
export interface LookupOptions {
  readonly index: IndexReader;
  /** The `namespaces` option; null exposes all. */
  readonly namespaces: ReadonlySet<string> | null;
  readonly pods: PodMode;
  readonly endpointPodNames: boolean;
  readonly ignoreEmptyService: boolean;
}

/**
 * One thing a name stands for, as CoreDNS's msg.Service: an address or a
 * CNAME target (`host`), a port (-1 for none), and the name that owns the
 * address when it is an SRV target (`target`, in the letter case of the zone as asked).
 */
export interface Item {
  readonly host: string;
  readonly port: number;
  readonly target: string;
}

/** The parts of a name under the zone: `[_port._proto.|endpoint.]service.namespace.svc|pod`. */
export interface NameParts {
  readonly kind: 'svc' | 'pod';
  readonly namespace: string;
  readonly service: string;
  readonly endpoint: string;
  readonly port: string;
  readonly protocol: string;
}

/** The name without the zone and its dot (`a.b.` in `b.` -> `a`), '' at the apex. */
export function trimZone(qname: string, zone: string): string {
  if (qname.length <= zone.length) return '';
  return zone === '.' ? qname.slice(0, -1) : qname.slice(0, qname.length - zone.length - 1);
}

const stripUnderscore = (s: string): string => (s.startsWith('_') ? s.slice(1) : s);

/**
 * Null when the name cannot be a Kubernetes name (NXDOMAIN); 'apex' for the zone, svc and pod
 * (NODATA). Labels are found from the end with lastIndexOf (no array of them: this runs for every
 * name the kept replies do not hold, the search path's misses among them).
 */
export function parseName(base: string): NameParts | null | 'apex' {
  if (base === '' || base === 'svc' || base === 'pod') return 'apex';
  const k = base.lastIndexOf('.');
  if (k < 0 || base.length - k !== 4) return null;
  const kind = base.endsWith('svc') ? 'svc' : base.endsWith('pod') ? 'pod' : null;
  if (kind === null) return null;
  const n = base.lastIndexOf('.', k - 1);
  const namespace = base.slice(n + 1, k);
  if (n < 0) return { kind, namespace, service: '', endpoint: '', port: '', protocol: '' };
  const v = base.lastIndexOf('.', n - 1);
  const service = base.slice(v + 1, n);
  if (v < 0) return { kind, namespace, service, endpoint: '', port: '', protocol: '' };
  const p = base.lastIndexOf('.', v - 1);
  if (p < 0) return { kind, namespace, service, endpoint: base.slice(0, v), port: '', protocol: '' };
  if (base.lastIndexOf('.', p - 1) >= 0) return null;
  return { kind, namespace, service, endpoint: '', port: stripUnderscore(base.slice(0, p)), protocol: stripUnderscore(base.slice(p + 1, v)) };
}

/** The `namespaces` option allows it and the namespace exists (with `namespace_labels`, matches). */
export function namespaceExposed(opts: LookupOptions, namespace: string): boolean {
  return (opts.namespaces === null || opts.namespaces.has(namespace)) && opts.index.hasNamespace(namespace);
}

/**
 * The items a forward name stands for, as CoreDNS's Records: an array
 * (empty means the name exists without data: NODATA), or null for NXDOMAIN.
 * `qname` and `zone` are lowercased; `zoneRaw` is the zone as asked.
 */
export function records(opts: LookupOptions, qname: string, zone: string, zoneRaw: string): Item[] | null {
  const parts = parseName(trimZone(qname, zone));
  if (parts === 'apex') return [];
  if (parts === null || isReverseName(qname)) return null;
  if (!namespaceExposed(opts, parts.namespace)) return null;
  return parts.kind === 'pod' ? findPods(opts, parts) : findServices(opts, parts, zoneRaw);
}

/**
 * The service a forward name lies under (`[_port._proto.|endpoint.]service.namespace.svc.<zone>`,
 * its namespace exposed), or null: what every answer under that name is built from.
 */
export function serviceOf(opts: LookupOptions, qname: string, zone: string): ServiceEntry | null {
  const parts = parseName(trimZone(qname, zone));
  if (parts === 'apex' || parts === null || parts.kind !== 'svc' || parts.service === '' || isReverseName(qname) || !namespaceExposed(opts, parts.namespace)) return null;
  return opts.index.service(parts.service, parts.namespace) ?? null;
}

function findPods(opts: LookupOptions, r: NameParts): Item[] | null {
  if (opts.pods === 'disabled') return null;
  if (r.service === '') return [];
  const ip = ipFromDashed(r.service);
  if (opts.pods === 'insecure') return ip ? [{ host: ip, port: -1, target: '' }] : null;
  return ip && opts.index.hasPod(ip, r.namespace) ? [{ host: ip, port: -1, target: '' }] : null;
}

const matchPort = (want: string, have: string): boolean => want === '' || want === have;

function findServices(opts: LookupOptions, r: NameParts, zoneRaw: string): Item[] | null {
  if (r.service === '') return [];
  const svc = opts.index.service(r.service, r.namespace);
  if (!svc) return null;
  if (opts.ignoreEmptyService && svc.type === 'ClusterIP' && countReady(opts, svc) === 0) return null;
  const svcName = `${svc.name}.${svc.namespace}.svc.${zoneRaw}`;
  const items: Item[] = [];
  if (svc.type === 'ExternalName') {
    // Neither endpoints nor port/protocol labels exist under an ExternalName service.
    if (r.endpoint !== '' || r.port !== '' || r.protocol !== '') return null;
    if (svc.externalName === '' || canonicalIp(svc.externalName.replace(/\.$/, ''))) return null;
    return [{ host: svc.externalName, port: -1, target: svcName }];
  }
  if (svc.type === 'Headless' || r.endpoint !== '') {
    for (const slice of opts.index.slicesOf(svc.name, svc.namespace)) {
      for (let i = 0; i < slice.size; i++) {
        if (!slice.ready(i) && !svc.publishNotReady) continue;
        const host = slice.answerName(i, opts.endpointPodNames);
        if (r.endpoint !== '' && r.endpoint !== host) continue;
        const ip = slice.ip(i);
        for (const p of slice.ports) {
          if (!matchPort(r.port, p.name) || !matchPort(r.protocol, p.protocol)) continue;
          items.push({ host: ip, port: p.port, target: `${host}.${svcName}` });
        }
      }
    }
    return items.length > 0 ? items : null;
  }
  let matched = false;
  for (const p of svc.ports) {
    if (!matchPort(r.port, p.name) || !matchPort(r.protocol, p.protocol)) continue;
    matched = true;
    for (const ip of svc.clusterIPs) items.push({ host: ip, port: p.port, target: svcName });
  }
  return matched ? items : null;
}

/** The ready endpoints of a service, across its slices, each with the name it answers to (made for the asking). */
export function readyEndpoints(opts: LookupOptions, svc: ServiceEntry): (Endpoint & { readonly answerName: string })[] {
  const out: (Endpoint & { readonly answerName: string })[] = [];
  for (const slice of opts.index.slicesOf(svc.name, svc.namespace)) {
    for (let i = 0; i < slice.size; i++) if (slice.ready(i) || svc.publishNotReady) out.push({ ...slice.endpointAt(i), answerName: slice.answerName(i, opts.endpointPodNames) });
  }
  return out;
}

function countReady(opts: LookupOptions, svc: ServiceEntry): number {
  let n = 0;
  for (const slice of opts.index.slicesOf(svc.name, svc.namespace)) {
    for (let i = 0; i < slice.size; i++) if (slice.ready(i) || svc.publishNotReady) n++;
  }
  return n;
}
