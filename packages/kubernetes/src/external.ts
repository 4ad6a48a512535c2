import type { ExternalItem, ExternalSource } from '@chaindns/core';
import type { AnswerContext } from './answer-apex.js';
import type { ServiceEntry } from './entries.js';
import { addressFromReverse, canonicalIp } from './ip.js';
import { namespaceExposed, readyEndpoints } from './records.js';

const stripUnderscore = (s: string): string => (s.startsWith('_') ? s.slice(1) : s);
const matchPort = (want: string, have: string): boolean => want === '' || want === have;

/** A service's external addresses, as CoreDNS's object.Service keeps them: spec.externalIPs, then its load balancers'. */
function externalAddresses(svc: ServiceEntry): readonly string[] {
  return svc.ingress.length === 0 ? svc.externalIPs : svc.externalIPs.length === 0 ? svc.ingress : [...svc.externalIPs, ...svc.ingress];
}

/**
 * What `kubernetes` offers `k8s_external` (core's ExternalSource, CoreDNS's
 * kubernetes/external.go): its services' external IPs and load-balancer
 * ingress under another zone and, with `headless`, headless services'
 * endpoints, all read from the index as queries come.
 */
export function kubernetesExternal(ctx: AnswerContext & { readonly synced: () => boolean }): ExternalSource {
  return {
    lookup: (name, headless) => lookup(ctx, name, headless),
    reverse(qname) {
      const ip = addressFromReverse(qname);
      if (ip === null) return null;
      const names: string[] = [];
      // As CoreDNS: namespace filtering applies only when `namespaces` is set.
      for (const svc of ctx.index.servicesByExternalIp(ip)) {
        if (ctx.namespaces === null || namespaceExposed(ctx, svc.namespace)) names.push(`${svc.name}.${svc.namespace}`);
      }
      return names;
    },
    nameservers: (headless) => nameservers(ctx, headless),
    serial: () => ctx.index.modified,
    synced: ctx.synced,
    names: (headless) => names(ctx, headless),
  };
}

/** CoreDNS's External: `[endpoint.|_port._proto.]service.namespace`. */
function lookup(ctx: AnswerContext, name: string, headless: boolean): ExternalItem[] | null {
  const segs = name.split('.');
  const namespace = segs[segs.length - 1]!;
  if (!namespaceExposed(ctx, namespace)) return null;
  if (segs.length === 1) return [];
  if (segs.length > 4) return null;
  const svc = ctx.index.service(segs[segs.length - 2]!, namespace);
  if (!svc) return null;
  const endpoint = segs.length === 3 ? segs[0]! : '';
  const port = segs.length === 4 ? stripUnderscore(segs[0]!) : '';
  const protocol = segs.length === 4 ? stripUnderscore(segs[1]!) : '';
  const external = externalAddresses(svc);
  const items: ExternalItem[] = [];
  if (headless && external.length === 0 && (svc.type === 'Headless' || endpoint !== '')) {
    const svcName = `${svc.name}.${svc.namespace}`;
    for (const slice of ctx.index.slicesOf(svc.name, svc.namespace)) {
      for (let i = 0; i < slice.size; i++) {
        if (!slice.ready(i) && !svc.publishNotReady) continue;
        const host = slice.answerName(i, ctx.endpointPodNames);
        if (endpoint !== '' && endpoint !== host) continue;
        const ip = slice.ip(i);
        for (const p of slice.ports) {
          if (matchPort(port, p.name) && matchPort(protocol, p.protocol)) items.push({ host: ip, port: p.port, target: `${host}.${svcName}` });
        }
      }
    }
  } else if (endpoint === '') {
    // An endpoint name under such a service does not exist, as no zone transfer lists it (CoreDNS gives it the service's addresses).
    const target = `${svc.name}.${svc.namespace}`;
    for (const host of external) {
      for (const p of svc.ports) if (matchPort(port, p.name) && matchPort(protocol, p.protocol)) items.push({ host, port: p.port, target });
    }
  }
  return items.length > 0 ? items : null;
}

/**
 * This server's external addresses, as CoreDNS's nsAddrs for k8s_external:
 * the external addresses of the services whose endpoints are this host
 * (their endpoints' addresses for a headless one, with `headless`), else
 * this host's own addresses when no endpoint is this host.
 */
function nameservers(ctx: AnswerContext, headless: boolean): string[] {
  const found = new Set<string>();
  let isEndpoint = false;
  for (const local of ctx.localIPs) {
    for (const slice of ctx.index.slicesByIp(local)) {
      isEndpoint = true;
      const svc = ctx.index.service(slice.service, slice.namespace);
      if (!svc) continue;
      if (headless && svc.type === 'Headless') {
        for (const ep of readyEndpoints(ctx, svc)) found.add(ep.ip);
      } else {
        // A load balancer's host name has no address to give.
        for (const host of externalAddresses(svc)) if (canonicalIp(host) !== null) found.add(host);
      }
    }
  }
  return isEndpoint ? [...found] : [...ctx.localIPs];
}

/** Every name with external items, for a zone transfer (CoreDNS's ExternalServices), services by name. */
function* names(ctx: AnswerContext, headless: boolean): Generator<string> {
  const services = [...ctx.index.allServices()].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const svc of services) {
    if (!namespaceExposed(ctx, svc.namespace)) continue;
    const name = `${svc.name}.${svc.namespace}`;
    if (externalAddresses(svc).length > 0) {
      yield name;
      for (const p of svc.ports) if (p.name !== '' && p.port >= 0) yield `_${p.name}._${p.protocol}.${name}`;
    } else if (headless && svc.type === 'Headless') {
      const endpoints = readyEndpoints(ctx, svc);
      if (endpoints.length === 0) continue;
      yield name;
      for (const host of new Set(endpoints.map((ep) => ep.answerName))) yield `${host}.${name}`;
      const named = new Set<string>();
      for (const slice of ctx.index.slicesOf(svc.name, svc.namespace)) {
        for (const p of slice.ports) if (p.name !== '' && p.port >= 0) named.add(`_${p.name}._${p.protocol}.${name}`);
      }
      yield* named;
    }
  }
}
