import { isIP } from 'node:net';
import type { Answer, ExternalItem } from '@chaindns/core';

/** A name as an FQDN (load-balancer host names come without the dot). */
export const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

/** `label` under `zone`, for zones written as asked (`.` included). */
export const join = (label: string, zone: string): string => (zone === '.' ? `${label}.` : `${label}.${zone}`);

export function addressRecord(name: string, ip: string, ttl: number): Answer {
  return isIP(ip) === 4 ? { name, type: 'A', ttl, class: 'IN', data: ip } : { name, type: 'AAAA', ttl, class: 'IN', data: ip };
}

/** Records, and the host names whose addresses are still to be looked up (through the server: CoreDNS's upstream). */
export interface Built {
  readonly records: Answer[];
  readonly lookups: string[];
}

/**
 * A or AAAA records at `name`, as CoreDNS's k8s_external a/aaaa: each
 * address of the family once; a load balancer's host name becomes a CNAME
 * to it, once each, whose addresses are looked up.
 */
export function addressRecords(items: readonly ExternalItem[], name: string, family: 4 | 6, ttl: number): Built {
  const records: Answer[] = [];
  const lookups: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.host)) continue;
    seen.add(item.host);
    const ipFamily = isIP(item.host);
    if (ipFamily === 0) {
      records.push({ name, type: 'CNAME', ttl, class: 'IN', data: fqdn(item.host) });
      lookups.push(fqdn(item.host));
    } else if (ipFamily === family) {
      records.push(addressRecord(name, item.host, ttl));
    }
  }
  return { records, lookups };
}

export interface BuiltSrv {
  readonly answers: Answer[];
  /** The targets' addresses (the additional section). */
  readonly extra: Answer[];
  /** Host-name targets whose addresses are still to be looked up. */
  readonly lookups: string[];
}

/**
 * SRV records at `name`, as CoreDNS's k8s_external srv: priority 0, the
 * weight of 100 split over every item (the portless ones too), one record
 * per target and port; an address's target is its owner under `zoneRaw`,
 * whose address goes into the additional section; a host name is its own
 * target, looked up.
 */
export function srvRecords(items: readonly ExternalItem[], name: string, zoneRaw: string, ttl: number): BuiltSrv {
  const answers: Answer[] = [];
  const extra: Answer[] = [];
  const lookups: string[] = [];
  if (items.length === 0) return { answers, extra, lookups };
  const weight = Math.max(1, Math.floor(100 / items.length));
  const seen = new Set<string>();
  for (const item of items) {
    if (item.port === -1) continue;
    const address = isIP(item.host) !== 0;
    const target = address ? join(item.target, zoneRaw) : fqdn(item.host);
    const srvKey = `${target}\0${item.port}`;
    if (!seen.has(srvKey)) {
      seen.add(srvKey);
      answers.push({ name, type: 'SRV', ttl, class: 'IN', data: { priority: 0, weight, port: item.port, target } });
    }
    const addrKey = `${target}\0${item.host}`;
    if (seen.has(addrKey)) continue;
    seen.add(addrKey);
    if (address) extra.push(addressRecord(target, item.host, ttl));
    else lookups.push(target);
  }
  return { answers, extra, lookups };
}

/** PTR records at `name` for services (`service.namespace`), named in `zone`. */
export function ptrRecords(services: readonly string[], name: string, zone: string, ttl: number): Answer[] {
  return [...new Set(services)].map((svc) => ({ name, type: 'PTR', ttl, class: 'IN', data: join(svc, zone) }));
}
