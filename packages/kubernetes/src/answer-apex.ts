import type { Answer } from '@chaindns/core';
import { ipFamily } from './ip.js';
import { type LookupOptions, readyEndpoints, trimZone } from './records.js';

/** What the answer builders share: the lookup options plus the TTL and this server's addresses. */
export interface AnswerContext extends LookupOptions {
  /** The zones this plugin answers for (lowercased FQDNs, reverse zones included). */
  readonly zones: readonly string[];
  readonly ttl: number;
  /** The first forward zone: PTR targets live there. */
  readonly primaryZone: string;
  /** Addresses of this host (not loopback or link-local), for NS records and their glue. */
  readonly localIPs: readonly string[];
}

/** The schema version of the Kubernetes DNS spec, answered at dns-version.<zone>. */
export const DNS_SCHEMA_VERSION = '1.1.0';
const SCHEMA_TTL = 28800;

/** The zone's SOA, as CoreDNS writes it: serial = last change, TTL and minimum from `ttl`. */
export function soaRecord(ctx: AnswerContext, zoneRaw: string, serial: number): Answer {
  return {
    name: zoneRaw,
    type: 'SOA',
    ttl: Math.min(ctx.ttl, 300),
    class: 'IN',
    data: {
      mname: join('ns.dns', zoneRaw),
      rname: join('hostmaster', zoneRaw),
      serial: serial >>> 0,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ctx.ttl,
    },
  };
}

function join(label: string, zone: string): string {
  return zone === '.' ? `${label}.` : `${label}.${zone}`;
}

/** TXT "1.1.0" at dns-version.<zone>, else null. */
export function schemaRecord(qname: string, qnameRaw: string, zone: string): Answer | null {
  if (trimZone(qname, zone) !== 'dns-version') return null;
  return { name: qnameRaw, type: 'TXT', ttl: SCHEMA_TTL, class: 'IN', data: [DNS_SCHEMA_VERSION] };
}

interface NsAddress {
  readonly name: string;
  readonly ip: string;
}

/**
 * The name servers of the zone, as CoreDNS's nsAddrs: the services whose
 * endpoints are this host's addresses (each endpoint's own name for a
 * headless one), else `ns.dns.<zone>` with this host's addresses.
 */
export function nsAddresses(ctx: AnswerContext, zoneRaw: string): NsAddress[] {
  const found: NsAddress[] = [];
  for (const local of ctx.localIPs) {
    for (const slice of ctx.index.slicesByIp(local)) {
      const svc = ctx.index.service(slice.service, slice.namespace);
      if (!svc) continue;
      const svcName = `${svc.name}.${svc.namespace}.svc.${zoneRaw}`;
      if (svc.type === 'Headless') {
        for (const ep of readyEndpoints(ctx, svc)) found.push({ name: `${ep.answerName}.${svcName}`, ip: ep.ip });
      } else if (svc.clusterIPs[0]) {
        found.push({ name: svcName, ip: svc.clusterIPs[0] });
      }
    }
  }
  const list = found.length > 0 ? found : ctx.localIPs.map((ip) => ({ name: join('ns.dns', zoneRaw), ip }));
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.ip) && seen.add(a.ip));
}

export function addressRecord(name: string, ip: string, ttl: number): Answer {
  return ipFamily(ip) === 4 ? { name, type: 'A', ttl, class: 'IN', data: ip } : { name, type: 'AAAA', ttl, class: 'IN', data: ip };
}

/** NS records at the apex with their addresses as glue. */
export function nsRecords(ctx: AnswerContext, qnameRaw: string, zoneRaw: string): { answers: Answer[]; extra: Answer[] } {
  const answers: Answer[] = [];
  const extra: Answer[] = [];
  const named = new Set<string>();
  for (const a of nsAddresses(ctx, zoneRaw)) {
    extra.push(addressRecord(a.name, a.ip, ctx.ttl));
    if (named.has(a.name)) continue;
    named.add(a.name);
    answers.push({ name: qnameRaw, type: 'NS', ttl: ctx.ttl, class: 'IN', data: a.name });
  }
  return { answers, extra };
}

/** True for ns.dns.<zone>, the name the SOA points at. */
export function isNsName(qname: string, zone: string): boolean {
  return trimZone(qname, zone) === 'ns.dns';
}
