import {
  type Answer,
  type ExternalItem,
  type ExternalSource,
  fallsThrough,
  type Handler,
  isSubdomain,
  matchZone,
  type Next,
  QClass,
  QType,
  Rcode,
  reply,
  type Request,
  type ResponseWriter,
  type Result,
} from '@chaindns/core';
import { type ApexOptions, apexAnswer, NODATA, NXDOMAIN, type Outcome, soaRecord, subApexAnswer } from './apex.js';
import { addressRecords, join, ptrRecords, srvRecords } from './records.js';
import { lookup, type Resolve } from './upstream.js';

export interface K8sExternalOptions extends ApexOptions {
  /** The zones answered (lowercased FQDNs). */
  readonly zones: readonly string[];
  /** Zones where NXDOMAIN goes to the next plugin; null when `fallthrough` is off. */
  readonly fallthrough: readonly string[] | null;
  /** Looks up a load balancer's host name through the server itself. */
  readonly resolve: Resolve;
}

/** The name without the zone and its dot, '' at the apex. */
function trimZone(qname: string, zone: string): string {
  if (qname.length <= zone.length) return '';
  return zone === '.' ? qname.slice(0, -1) : qname.slice(0, qname.length - zone.length - 1);
}

const isReverseZone = (zone: string): boolean => zone.endsWith('in-addr.arpa.') || zone.endsWith('ip6.arpa.');

/**
 * The k8s_external handler, as CoreDNS's: under its zones, the apex's SOA
 * and NS, `ns1.<apex>.<zone>` with this server's external addresses, and
 * `service.namespace.<zone>` (A, AAAA, SRV; `_port._proto.` SRV;
 * `endpoint.` with `headless`) from the kubernetes plugin's external
 * addresses, PTR for them in reverse zones listed. NXDOMAIN and NODATA carry
 * the zone's SOA; AA is set. Other names, other classes, and NXDOMAIN under
 * `fallthrough` go to the next plugin.
 */
export function createK8sExternal(opts: K8sExternalOptions): Handler {
  // PTR targets are named in the first forward zone (CoreDNS takes the first zone, whatever it is).
  const ptrZone = opts.zones.find((z) => !isReverseZone(z)) ?? opts.zones[0] ?? '.';
  /** `<apex>.<zone>` for each zone, where the name server's records live. */
  const apexNames = new Map(opts.zones.map((z) => [z, join(opts.apex, z)]));

  const write = (req: Request, w: ResponseWriter, zoneRaw: string, outcome: Outcome, truncated = false): number => {
    const answers = outcome.answers;
    const msg = reply(req, {
      rcode: outcome.rcode,
      authoritative: true,
      answers,
      authorities: answers.length === 0 ? [soaRecord(opts, zoneRaw)] : [],
      additionals: outcome.extra ?? [],
    });
    // TC as the lookup of a load balancer's host name had it (CoreDNS passes it on).
    if (truncated) msg[2] = msg[2]! | 0x02;
    w.write(msg);
    return outcome.rcode;
  };

  return {
    name: 'k8s_external',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qclass !== QClass.IN) return next(req, w);
      const qname = req.qname;
      const zone = matchZone(opts.zones, qname);
      if (zone === null) return next(req, w);
      // The zone in the letter case it was asked in.
      const zoneRaw = zone === '.' ? '.' : req.qnameRaw.slice(req.qnameRaw.length - zone.length);
      if (qname === zone) return write(req, w, zoneRaw, apexAnswer(opts, req.qtype, zoneRaw));
      if (isSubdomain(qname, apexNames.get(zone)!)) return write(req, w, zoneRaw, subApexAnswer(opts, req.qtype, trimZone(qname, zone), req.qnameRaw));
      const source = opts.source();
      if (req.qtype === QType.PTR) {
        const services = source.reverse(qname);
        if (services !== null) return services.length === 0 ? missing(req, w, next, zoneRaw, source) : write(req, w, zoneRaw, { rcode: Rcode.NOERROR, answers: ptrRecords(services, req.qnameRaw, ptrZone, opts.ttl) });
      }
      const items = source.lookup(trimZone(qname, zone), opts.headless);
      if (items === null) return missing(req, w, next, zoneRaw, source);
      if (items.length === 0) return write(req, w, zoneRaw, NODATA);
      switch (req.qtype) {
        case QType.A:
        case QType.AAAA: {
          const { records, lookups } = addressRecords(items, req.qnameRaw, req.qtype === QType.A ? 4 : 6, opts.ttl);
          if (lookups.length === 0) return write(req, w, zoneRaw, answer(records));
          return followed(opts.resolve, req, records, lookups).then((r) => write(req, w, zoneRaw, answer(r.records), r.truncated));
        }
        case QType.SRV:
          return srv(req, w, zoneRaw, items);
        default:
          return write(req, w, zoneRaw, NODATA);
      }
    },
  };

  /** A name that does not exist: NXDOMAIN, or the next plugin's under `fallthrough`; before the first sync it may just not have arrived (SERVFAIL). */
  function missing(req: Request, w: ResponseWriter, next: Next, zoneRaw: string, source: ExternalSource): Result {
    if (fallsThrough(opts.fallthrough, req.qname)) return next(req, w);
    return write(req, w, zoneRaw, source.synced() ? NXDOMAIN : SERVFAIL);
  }

  function srv(req: Request, w: ResponseWriter, zoneRaw: string, items: readonly ExternalItem[]): Result {
    const built = srvRecords(items, req.qnameRaw, zoneRaw, opts.ttl);
    if (built.lookups.length === 0) return write(req, w, zoneRaw, answer(built.answers, built.extra));
    const asked = built.lookups.flatMap((name) => [lookup(opts.resolve, req, name, QType.A), lookup(opts.resolve, req, name, QType.AAAA)]);
    return Promise.all(asked).then((found) => write(req, w, zoneRaw, answer(built.answers, [...built.extra, ...found.flatMap((f) => f.records)])));
  }
}

const SERVFAIL: Outcome = Object.freeze({ rcode: Rcode.SERVFAIL, answers: [] });

function answer(answers: readonly Answer[], extra?: readonly Answer[]): Outcome {
  return answers.length === 0 ? NODATA : { rcode: Rcode.NOERROR, answers, ...(extra ? { extra } : {}) };
}

/** The records with each CNAME's target's records after it, looked up through the server. */
async function followed(resolve: Resolve, req: Request, records: readonly Answer[], lookups: readonly string[]): Promise<{ records: Answer[]; truncated: boolean }> {
  const found = await Promise.all(lookups.map((name) => lookup(resolve, req, name, req.qtype)));
  const out: Answer[] = [];
  let truncated = false;
  for (const rr of records) {
    out.push(rr);
    if (rr.type !== 'CNAME') continue;
    const f = found[lookups.indexOf(rr.data)]!;
    out.push(...f.records);
    truncated ||= f.truncated;
  }
  return { records: out, truncated };
}
