import { fallsThrough, type Handler, matchZone, type Next, PluginError, QClass, QType, Rcode, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import dnsPacket from 'dns-packet';
import { addresses, apexRecords, texts } from './answer-address.js';
import { cnameRecords, mxRecords, nsRecords, ptrRecords, soaRecord, srvRecords } from './answer-targets.js';
import type { Backend, Looked } from './backend.js';
import { BackendFailure, NotFound } from './errors.js';
import type { KeyTree } from './key-tree.js';
import { type Part, settle, settleNow, type Settled, waits } from './parts.js';

/** What the handler reads: the tree the watch keeps, and whether it follows etcd now. */
export interface EtcdSource {
  readonly tree: KeyTree;
  readonly synced: boolean;
}

export interface EtcdOptions {
  /** The zones it is authoritative for (lowercased FQDNs). */
  readonly zones: readonly string[];
  /** `fallthrough` zones, null when it is not given. */
  readonly fallthrough: readonly string[] | null;
  /** The `path`, cleaned (`/skydns`). */
  readonly base: string;
  readonly source: EtcdSource;
  /** Looks a name up through the server (ctx.resolve), for targets outside the zone. */
  readonly resolve: (qname: string, qtype: number, via: Request) => Promise<Buffer>;
}

/** A reply through the server, as CoreDNS's upstream hands it back: its answer section and TC bit; null when it failed. */
function looked(msg: Buffer): Looked | null {
  try {
    const packet = dnsPacket.decode(msg);
    return { answers: packet.answers ?? [], truncated: ((packet.flags ?? 0) & 0x200) !== 0 };
  } catch {
    return null;
  }
}

/**
 * The `etcd` handler (CoreDNS's etcd ServeDNS): answers the names of its
 * zones from the keys the watch keeps, NXDOMAIN (or fallthrough) where there
 * are none, and SERVFAIL while the watch is down.
 */
export function createEtcd(options: EtcdOptions): Handler {
  const { zones, fallthrough, base, source, resolve } = options;

  /** Writes an authoritative reply; an empty answer carries the zone's SOA (CoreDNS's BackendError). */
  const write = (req: Request, w: ResponseWriter, zone: string, rcode: number, answer: Settled, extra: Settled | null): number => {
    let msg: Buffer;
    try {
      const empty = answer.records.length === 0;
      msg = reply(req, { rcode, authoritative: true, answers: answer.records, authorities: empty ? [soaRecord(zone)] : [], additionals: empty ? [] : (extra?.records ?? []) });
    } catch (err) {
      throw new PluginError('etcd', Rcode.SERVFAIL, `cannot encode the answer to ${req.qname} ${req.qtypeName}: ${(err as Error).message}`, { cause: err });
    }
    if (answer.truncated || extra?.truncated) msg[2]! |= 0x02;
    w.write(msg);
    return rcode;
  };
  const NONE: Settled = { records: [], truncated: false };

  /** SERVFAIL with the SOA, as CoreDNS writes it, and the error for the errors plugin to log. */
  const fail = (req: Request, w: ResponseWriter, zone: string, message: string): never => {
    write(req, w, zone, Rcode.SERVFAIL, NONE, null);
    throw new PluginError('etcd', Rcode.SERVFAIL, message);
  };

  return {
    name: 'etcd',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qclass !== QClass.IN) return next(req, w);
      const zone = matchZone(zones, req.qname);
      if (zone === null) return next(req, w);
      if (!source.synced) return fail(req, w, zone, `no watch of ${base} in etcd now`);
      const b: Backend = {
        tree: source.tree,
        base,
        lookup: (name, qtype) => resolve(name, qtype, req).then(looked, () => null),
      };
      const owner = req.qnameRaw;
      let answer: Part[];
      let extra: Part[] = [];
      try {
        switch (req.qtype) {
          case QType.A:
            answer = addresses(b, zone, owner, QType.A, 'A');
            break;
          case QType.AAAA:
            answer = addresses(b, zone, owner, QType.AAAA, 'AAAA');
            break;
          case QType.TXT:
            answer = texts(b, zone, owner);
            break;
          case QType.CNAME:
            answer = cnameRecords(b, owner);
            break;
          case QType.PTR:
            answer = ptrRecords(b, owner);
            break;
          case QType.MX:
            ({ answer, extra } = mxRecords(b, zone, owner));
            break;
          case QType.SRV:
            ({ answer, extra } = srvRecords(b, zone, owner));
            break;
          case QType.SOA:
            answer = [soaRecord(zone)];
            break;
          default:
            if (req.qtype === QType.NS && req.qname === zone) {
              ({ answer, extra } = nsRecords(b, zone, owner));
              break;
            }
            // Whether the name exists decides NODATA or NXDOMAIN (CoreDNS's "fake A lookup").
            apexRecords(b, zone, req.qname, req.qtype);
            answer = [];
        }
      } catch (err) {
        if (err instanceof NotFound) {
          if (fallsThrough(fallthrough, req.qname)) return next(req, w);
          return write(req, w, zone, Rcode.NXDOMAIN, NONE, null);
        }
        if (err instanceof BackendFailure) return fail(req, w, zone, err.message);
        throw err;
      }
      if (!waits(answer) && !waits(extra)) return write(req, w, zone, Rcode.NOERROR, settleNow(answer), settleNow(extra));
      return Promise.all([settle(answer), settle(extra)]).then(([a, e]) => write(req, w, zone, Rcode.NOERROR, a, e));
    },
  };
}
