import { beginReply, fallsThrough, type Handler, type Next, QClass, QType, Rcode, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { mappedV4Reverse } from './address.js';
import { A, AAAA, type HostsTable, PTR, ROW } from './table.js';
import { underZones, wireName } from './wire-name.js';

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

/** The length of an ip6.arpa question's name in wire form, plus the header: 32 one-nibble labels, `ip6`, `arpa`, the root. */
const IP6_ARPA_END = 12 + 32 * 2 + 4 + 5 + 1;

/**
 * CoreDNS's hosts handler. A, AAAA and PTR come from the table built at
 * load, found from the question's bytes: a hit is a hash, a lookup and a
 * copy of stored records, no string built. A name the hosts data has answers
 * any other type (or the missing family) with NODATA; a name it lacks falls
 * through when `fallthrough` covers it, else gets SERVFAIL (there is no SOA
 * to deny it with). A PTR it cannot answer, a name outside its zones and a
 * class other than IN always pass on.
 */
export function createHosts(options: HostsOptions): Handler {
  const { fallthrough, fallthroughUnsupported, source } = options;
  const zones = options.zones.includes('.') ? null : options.zones.map(wireName);
  const inZones = (msg: Uint8Array, nameEnd: number): boolean => zones === null || underZones(msg, 12, nameEnd, zones);

  return {
    name: 'hosts',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qclass !== QClass.IN) return next(req, w);
      const table = source.table;
      const msg = req.msg;
      const nameEnd = req.nameEnd;
      const qtype = req.qtype;
      if (qtype === QType.PTR) {
        let o = table.findPtr(msg, nameEnd);
        if (o < 0 && nameEnd === IP6_ARPA_END) {
          const v4 = mappedV4Reverse(req.qname);
          if (v4 !== null) o = table.findPtrByName(v4);
        }
        return o < 0 ? next(req, w) : answer(req, w, table, o * ROW + PTR);
      }
      if (!inZones(msg, nameEnd)) return next(req, w);
      const o = table.find(msg, nameEnd);
      if (qtype === QType.A || qtype === QType.AAAA) {
        const at = o * ROW + (qtype === QType.A ? A : AAAA);
        if (o >= 0 && table.rows[at + 2] !== 0) return answer(req, w, table, at);
      } else if (fallthroughUnsupported && fallsThrough(fallthrough, req.qname)) {
        return next(req, w);
      }
      if (o >= 0) return answer(req, w, table, -1);
      return fallsThrough(fallthrough, req.qname) ? next(req, w) : Rcode.SERVFAIL;
    },
  };
}

/**
 * Writes the reply (core's beginReply: the query's header and question, AA,
 * an OPT when the query had one) with the records of the table's row at `at`
 * (none for -1: NODATA). Records too large for any message leave a header with TC.
 */
function answer(req: Request, w: ResponseWriter, table: HostsTable, at: number): number {
  const rows = table.rows;
  const off = at < 0 ? 0 : rows[at]!;
  const len = at < 0 ? 0 : rows[at + 1]!;
  const count = at < 0 ? 0 : rows[at + 2]!;
  const qEnd = req.questionEnd;
  const out = beginReply(req, Rcode.NOERROR, count < 0 ? 0 : count, 0, len, count < 0);
  // A loop again for the usual few records (Buffer#copy pays a native call and its checks first).
  const arena = table.arena;
  if (len <= 256) for (let i = 0; i < len; i++) out[qEnd + i] = arena[off + i]!;
  else arena.copy(out, qEnd, off, off + len);
  w.write(out);
  return Rcode.NOERROR;
}
