/**
 * The reply to a name a zone does not hold (NXDOMAIN), or holds without the
 * type (NODATA), for a query without DO: the zone's SOA alone in the
 * authority section. Kept encoded once per zone with its owner, and the
 * names in its data that end in the apex, pointing at the apex inside the
 * question: a negative answer copies it and patches those pointers, as a
 * kept reply is copied, instead of being encoded for each new name.
 */
import { beginReply, isSubdomain, lowerName, type Request, type ResponseWriter, readName, skipName, writeNameText } from '@chaindns/core';
import type { Part } from './message.js';
import type { Zone } from './zone.js';

interface Template {
  /** The SOA record; its pointers to the apex are at `patches`. */
  readonly bytes: Buffer;
  readonly patches: readonly number[];
  /** Bytes of the apex name on the wire, its final zero included. */
  readonly apexLen: number;
}

const templates = new WeakMap<Zone, Template | null>();

function build(zone: Zone): Template | null {
  const soa = zone.soa;
  // A file whose SOA is not at the apex (the README's root-zone pitfall) goes the long way.
  if (!soa || soa.node !== zone.apex) return null;
  const b = soa.set.buf;
  const p = soa.set.off;
  const out = Buffer.alloc(2 + 10 + 2 * 256 + 20);
  const patches = [0];
  let off = 2;
  b.copy(out, off, p, p + 8);
  off += 10;
  let q = p + 10;
  for (let i = 0; i < 2; i++) {
    const name = readName(b, q)!;
    q = skipName(b, q);
    if (isSubdomain(lowerName(name), zone.origin)) {
      // The labels above the apex, then a pointer to it.
      const above = zone.origin === '.' ? name : name.slice(0, name.length - zone.origin.length);
      off = above === '' ? off : writeNameText(above, '.', out, off) - 1;
      patches.push(off);
      off += 2;
    } else {
      off = writeNameText(name, '.', out, off);
    }
  }
  b.copy(out, off, q, q + 20);
  off += 20;
  out.writeUInt16BE(off - 12, 10);
  return { bytes: Buffer.from(out.subarray(0, off)), patches, apexLen: writeNameText(zone.origin, '.', Buffer.alloc(256), 0) };
}

/** True when `ns` is the zone's SOA without signatures, so the template says the same. */
export function isPlainSoa(zone: Zone, ns: readonly Part[]): boolean {
  return ns.length === 1 && ns[0]!.set === zone.soa?.set && ns[0]!.covered === -1;
}

/** Writes the negative reply to `req` (an IN question inside `zone`) with `rcode`; false when the zone has no template. */
export function sendNegative(zone: Zone, req: Request, w: ResponseWriter, rcode: number): boolean {
  let t = templates.get(zone);
  if (t === undefined) templates.set(zone, (t = build(zone)));
  if (t === null) return false;
  const qEnd = req.questionEnd;
  const bytes = t.bytes;
  // The SOA is the one authority record.
  const out = beginReply(req, rcode, 0, 1, bytes.length);
  bytes.copy(out, qEnd);
  // The apex is the end of the question's name.
  const apex = req.nameEnd - t.apexLen;
  for (const at of t.patches) {
    out[qEnd + at] = 0xc0 | (apex >> 8);
    out[qEnd + at + 1] = apex & 0xff;
  }
  w.write(out);
  return true;
}
