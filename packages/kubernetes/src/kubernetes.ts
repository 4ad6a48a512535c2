import { type Answer, type Handler, fallsThrough, matchZone, type Next, QClass, QType, Rcode, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { addressAnswer, addressItems, type AddressAnswer, type Resolve } from './answer-address.js';
import { type AnswerContext, nsRecords, schemaRecord, soaRecord } from './answer-apex.js';
import { ptrAnswer } from './answer-ptr.js';
import { srvAnswer } from './answer-srv.js';
import { encodeBare, encodeReply, type ReplyParts } from './encode.js';
import type { ServiceEntry } from './entries.js';
import { canonicalIp } from './ip.js';
import { KeptReplies } from './kept-replies.js';
import { records, serviceOf } from './records.js';

export interface KubernetesHandlerOptions extends AnswerContext {
  /** Zones where NXDOMAIN passes to the next plugin; null when `fallthrough` is off. */
  readonly fallthrough: readonly string[] | null;
  /** True once the first list of every watched resource has arrived. */
  readonly synced: () => boolean;
  readonly resolve: Resolve;
  /** Keep replies to repeated questions (kept-replies.ts); off when a cache before this plugin keeps them. Default true. */
  readonly keepReplies?: boolean;
}

/** What a question found: records to answer with, or null for "no such name". */
type Outcome = { readonly answers: readonly Answer[]; readonly extra?: readonly Answer[]; readonly truncated?: boolean } | null;

const NODATA: Outcome = Object.freeze({ answers: [] });

/** Bytes the kept replies may take: 4 MiB, or 512 bytes a service in a larger cluster. */
const keptBudget = (services: number): number => Math.max(4 << 20, 512 * services);

/**
 * The kubernetes handler: answers names in its zones from the index per the
 * Kubernetes DNS spec, with CoreDNS's NXDOMAIN/NODATA rules (the SOA in the
 * authority section of both), AA set, zone transfers refused. Names outside
 * its zones, questions not in class IN, and NXDOMAIN under `fallthrough`, go
 * to the next plugin.
 */
export function createKubernetes(opts: KubernetesHandlerOptions): Handler {
  const { index } = opts;
  const kept = opts.keepReplies === false ? null : new KeptReplies(index.versions, () => keptBudget(index.counts().services));

  /** The service an answer under `zone` is built from when that is one service alone (kept-replies.ts), else null. */
  const keptFrom = (req: Request, zone: string | null): ServiceEntry | null => {
    if (zone === null) return null;
    // An ExternalName's target may be another service's name, or outside.
    const svc = serviceOf(opts, req.qname, zone);
    return svc !== null && svc.type !== 'ExternalName' ? svc : null;
  };

  /** Writes the reply of `parts`; kept when the question is under `zone` and the reply built from one service. */
  const write = (req: Request, w: ResponseWriter, parts: ReplyParts, zone: string | null): void => {
    const svc = kept === null ? null : keptFrom(req, zone);
    if (svc === null || kept === null) {
      w.write(encodeReply(req, parts));
      return;
    }
    const ref = kept.keep(req, encodeBare(req, parts), svc, index.namespaceVersion);
    if (ref >= 0) kept.send(ref, req, w, index.modified);
    else w.write(encodeReply(req, parts));
  };

  /** Writes what the question found; `keepIn` is the zone of a question whose reply may be kept (A, AAAA, SRV), else null. */
  const finish = (req: Request, w: ResponseWriter, next: Next, zoneRaw: string, outcome: Outcome, keepIn: string | null = null): Result => {
    if (outcome === null) {
      if (fallsThrough(opts.fallthrough, req.qname)) return next(req, w);
      // Before the first sync an unknown name may just not have arrived yet.
      const rcode = opts.synced() ? Rcode.NXDOMAIN : Rcode.SERVFAIL;
      w.write(encodeReply(req, { rcode, authorities: [soaRecord(opts, zoneRaw, index.modified)] }));
      return rcode;
    }
    if (outcome.answers.length === 0) {
      write(req, w, { rcode: Rcode.NOERROR, authorities: [soaRecord(opts, zoneRaw, index.modified)] }, keepIn);
      return Rcode.NOERROR;
    }
    // A truncated outcome came through the server (an ExternalName's target): never kept.
    write(req, w, { rcode: Rcode.NOERROR, answers: outcome.answers, additionals: outcome.extra ?? [], truncated: outcome.truncated ?? false }, outcome.truncated ? null : keepIn);
    return Rcode.NOERROR;
  };

  return {
    name: 'kubernetes',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      // Cluster records are IN records; CoreDNS answers any class with them, which is wrong for CH (chaos) and the rest.
      if (req.qclass !== QClass.IN) return next(req, w);
      const qtype = req.qtype;
      const keeps = kept !== null && (qtype === QType.A || qtype === QType.AAAA || qtype === QType.SRV);
      if (keeps) {
        const ref = kept.find(req, index.namespaceVersion);
        if (ref >= 0) {
          kept.send(ref, req, w, index.modified);
          return Rcode.NOERROR;
        }
      }
      const qname = req.qname;
      const zone = matchZone(opts.zones, qname);
      if (zone === null) return next(req, w);
      // The zone in the letter case it was asked in, as CoreDNS keeps it.
      const zoneRaw = zone === '.' ? '.' : req.qnameRaw.slice(req.qnameRaw.length - zone.length);
      switch (qtype) {
        case QType.AXFR:
        case QType.IXFR:
          return Rcode.REFUSED;
        case QType.A:
        case QType.AAAA: {
          const found = addressAnswer(opts, req.qnameRaw, zone, zoneRaw, qtype, opts.resolve);
          if (found instanceof Promise) return found.then((a) => finish(req, w, next, zoneRaw, address(a)));
          return finish(req, w, next, zoneRaw, address(found), zone);
        }
        case QType.TXT: {
          const schema = schemaRecord(qname, req.qnameRaw, zone);
          return finish(req, w, next, zoneRaw, schema ? { answers: [schema] } : exists(opts, qname, zone, zoneRaw));
        }
        case QType.CNAME: {
          const items = records(opts, qname, zone, zoneRaw);
          const first = items?.[0];
          const outcome: Outcome =
            items === null ? null : first && canonicalIp(first.host) === null ? { answers: [{ name: req.qnameRaw, type: 'CNAME', ttl: opts.ttl, class: 'IN', data: first.host }] } : NODATA;
          return finish(req, w, next, zoneRaw, outcome);
        }
        case QType.PTR: {
          const answers = ptrAnswer(opts, qname, req.qnameRaw, zone, zoneRaw);
          return finish(req, w, next, zoneRaw, answers === null ? null : { answers });
        }
        case QType.SRV: {
          const srv = srvAnswer(opts, qname, req.qnameRaw, zone, zoneRaw);
          return finish(req, w, next, zoneRaw, srv === null ? null : { answers: srv.answers, extra: srv.extra }, zone);
        }
        case QType.SOA:
          // Only the apex has an SOA; below it CoreDNS answers NODATA, whatever the name.
          return finish(req, w, next, zoneRaw, qname === zone ? { answers: [soaRecord(opts, zoneRaw, index.modified)] } : NODATA);
        case QType.NS:
          if (qname === zone) {
            const ns = nsRecords(opts, req.qnameRaw, zoneRaw);
            return finish(req, w, next, zoneRaw, { answers: ns.answers, extra: ns.extra });
          }
          return finish(req, w, next, zoneRaw, exists(opts, qname, zone, zoneRaw));
        default:
          return finish(req, w, next, zoneRaw, exists(opts, qname, zone, zoneRaw));
      }
    },
  };
}

function address(found: AddressAnswer | null): Outcome {
  return found === null ? null : found.records.length === 0 ? NODATA : { answers: found.records, truncated: found.truncated };
}

/**
 * For types Kubernetes has no records of: NODATA when the name exists,
 * NXDOMAIN when not (CoreDNS's stand-in A lookup).
 */
function exists(opts: AnswerContext, qname: string, zone: string, zoneRaw: string): Outcome {
  return addressItems(opts, qname, zone, zoneRaw, 4) === null ? null : NODATA;
}
