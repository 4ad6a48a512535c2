import { fallsThrough, Flag, type Handler, type Next, QClass, QType, Rcode, type Request, type ResponseWriter, type Result, writeOpt } from '@chaindns/core';
import { mappedV4Reverse } from './address.js';
import { inZones } from './hosts-file.js';
import { EMPTY, type HostsTable, type RecordSet } from './table.js';

export interface HostsOptions {
  /** The zones it answers A, AAAA and other types for (lowercased FQDNs); PTR queries are answered under any zone. */
  readonly zones: readonly string[];
  /** `fallthrough` zones; null when it is off. */
  readonly fallthrough: readonly string[] | null;
  /** `fallthrough_unsupported`: pass on types other than A, AAAA and PTR under the `fallthrough` zones. */
  readonly fallthroughUnsupported: boolean;
  /** Where the answers are now: a reload of the hosts file swaps its table. */
  readonly source: { readonly table: HostsTable };
}

/**
 * CoreDNS's hosts handler. A, AAAA and PTR come from the table built at
 * load: a hit is a Map get and a copy of stored bytes. A name the hosts data
 * has answers any other type (or the missing family) with NODATA; a name it
 * lacks falls through when `fallthrough` covers it, else gets SERVFAIL
 * (there is no SOA to deny it with). A PTR it cannot answer, a name outside
 * its zones and a class other than IN always pass on.
 */
export function createHosts(options: HostsOptions): Handler {
  const { zones, fallthrough, fallthroughUnsupported, source } = options;

  return {
    name: 'hosts',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qclass !== QClass.IN) return next(req, w);
      const table = source.table;
      const qtype = req.qtype;
      const qname = req.qname;
      if (qtype === QType.PTR) {
        let set = table.ptr(qname);
        if (set === undefined) {
          const v4 = mappedV4Reverse(qname);
          if (v4 !== null) set = table.ptr(v4);
        }
        return set === undefined ? next(req, w) : answer(req, w, table.arena, set);
      }
      if (!inZones(zones, qname)) return next(req, w);
      const records = table.lookup(qname);
      if (qtype === QType.A || qtype === QType.AAAA) {
        const set = records === undefined ? undefined : qtype === QType.A ? records.a : records.aaaa;
        if (set !== undefined && set.count !== 0) return answer(req, w, table.arena, set);
      } else if (fallthroughUnsupported && fallsThrough(fallthrough, qname)) {
        return next(req, w);
      }
      if (records !== undefined) return answer(req, w, table.arena, EMPTY);
      return fallsThrough(fallthrough, qname) ? next(req, w) : Rcode.SERVFAIL;
    },
  };
}

/**
 * Writes the reply: the query's header and question (letter case kept),
 * QR and AA set, opcode, RD and CD echoed; then the stored records, and an
 * OPT when the query had one. Records too large for any message leave a
 * header with TC.
 */
function answer(req: Request, w: ResponseWriter, arena: Buffer, set: RecordSet): number {
  const q = req.msg;
  const qEnd = req.questionEnd;
  const edns = req.edns;
  const len = set.len;
  const out = Buffer.allocUnsafe(qEnd + len + (edns === null ? 0 : 11));
  // A loop beats Buffer#copy's argument checks for a header and a question's few bytes.
  for (let i = 0; i < qEnd; i++) out[i] = q[i]!;
  const count = set.count < 0 ? 0 : set.count;
  out[2] = 0x80 | (Flag.AA >> 8) | (set.count < 0 ? Flag.TC >> 8 : 0) | (q[2]! & 0x79);
  out[3] = q[3]! & Flag.CD;
  out[6] = count >> 8;
  out[7] = count & 0xff;
  out[8] = 0;
  out[9] = 0;
  out[10] = 0;
  out[11] = edns === null ? 0 : 1;
  if (len > 0) arena.copy(out, qEnd, set.off, set.off + len);
  if (edns !== null) writeOpt(out, qEnd + len, edns);
  w.write(out);
  return Rcode.NOERROR;
}
