import { isIP } from 'node:net';
import { type Answer, type ExternalSource, QType, Rcode } from '@chaindns/core';
import { addressRecord, join } from './records.js';

/** What the apex records are made of. */
export interface ApexOptions {
  /** The label that holds the name server, `dns` by default: `ns1.dns.<zone>`. */
  readonly apex: string;
  readonly ttl: number;
  readonly headless: boolean;
  readonly source: () => ExternalSource;
}

/** An answer before it is encoded; with no answers, the zone's SOA goes into the authority section. */
export interface Outcome {
  readonly rcode: number;
  readonly answers: readonly Answer[];
  readonly extra?: readonly Answer[];
}

export const NODATA: Outcome = Object.freeze({ rcode: Rcode.NOERROR, answers: [] });
export const NXDOMAIN: Outcome = Object.freeze({ rcode: Rcode.NXDOMAIN, answers: [] });

/** The name server's name: `ns1.<apex>.<zone>`. */
export const nsName = (o: ApexOptions, zoneRaw: string): string => join(`ns1.${o.apex}`, zoneRaw);

/** The zone's SOA, as CoreDNS's k8s_external: serial the last change, refresh 7200, retry 1800, expire 86400, TTL and minimum `ttl`. */
export function soaRecord(o: ApexOptions, zoneRaw: string): Answer {
  return {
    name: zoneRaw,
    type: 'SOA',
    ttl: o.ttl,
    class: 'IN',
    data: { mname: nsName(o, zoneRaw), rname: join(`hostmaster.${o.apex}`, zoneRaw), serial: o.source().serial() >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: o.ttl },
  };
}

/** The name server's addresses (of one family, or both), owned by `name`. */
export function glueRecords(o: ApexOptions, name: string, family?: 4 | 6): Answer[] {
  return o
    .source()
    .nameservers(o.headless)
    .filter((ip) => family === undefined || isIP(ip) === family)
    .map((ip) => addressRecord(name, ip, o.ttl));
}

/** The zone's apex: its SOA, its NS with the glue, NODATA for anything else. */
export function apexAnswer(o: ApexOptions, qtype: number, zoneRaw: string): Outcome {
  switch (qtype) {
    case QType.SOA:
      return { rcode: Rcode.NOERROR, answers: [soaRecord(o, zoneRaw)] };
    case QType.NS:
      return { rcode: Rcode.NOERROR, answers: [{ name: zoneRaw, type: 'NS', ttl: o.ttl, class: 'IN', data: nsName(o, zoneRaw) }], extra: glueRecords(o, nsName(o, zoneRaw)) };
    default:
      return NODATA;
  }
}

/**
 * Names under `<apex>.<zone>` (`rel`: lowercased, relative to the zone):
 * `ns1.<apex>` has the name server's addresses, `<apex>` itself is an
 * empty non-terminal (NODATA), anything else does not exist.
 */
export function subApexAnswer(o: ApexOptions, qtype: number, rel: string, qnameRaw: string): Outcome {
  if (rel === o.apex) return NODATA;
  if (rel !== `ns1.${o.apex}`) return NXDOMAIN;
  if (qtype !== QType.A && qtype !== QType.AAAA) return NODATA;
  return { rcode: Rcode.NOERROR, answers: glueRecords(o, qnameRaw, qtype === QType.A ? 4 : 6) };
}
