/**
 * Encoded replies for questions whose name the zone holds, found from the
 * query's bytes (a hash of the name, ASCII case folded) without building a
 * string: a repeated question is answered by one copy and a few patched
 * bytes (ID, flags, the letters of the name, the OPT). Names inside are
 * compressed against the question or written whole, so a reply fits every
 * spelling of its name. At most a few per name (types asked, with and
 * without DO), so they are bounded by the zone; a reload empties the index.
 */
import { type Request, type ResponseWriter, stampReply } from '@chaindns/core';

/** A name may keep this many replies (types asked, with and without DO); past it, replies are built each time. */
const MAX_PER_NAME = 8;

const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

function sameName(a: Uint8Array, b: Uint8Array, end: number): boolean {
  for (let i = 12; i < end; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y && lower(x) !== lower(y)) return false;
  }
  return true;
}

export class CachedReply {
  constructor(
    /** The whole reply without OPT, ID 0, the question as the first query spelled it; for a pass, the query up to its name. */
    readonly msg: Buffer,
    /** Offset just past the question's name. */
    readonly nameEnd: number,
    readonly qtype: number,
    readonly dnssec: boolean,
    /** The query falls through to the next plugin instead. */
    readonly pass: boolean,
  ) {}
}

export class ReplyIndex {
  private readonly byName = new Map<number, CachedReply[]>();
  private generation: number;

  constructor(
    /** The zone generation (ZoneSet.generation): replies of an older one are dropped. */
    private readonly current: () => number,
  ) {
    this.generation = current();
  }

  /** The reply kept for `req`, whose name hashes to `hash` (wireNameHash of its question). */
  find(req: Request, hash: number): CachedReply | undefined {
    if (this.current() !== this.generation) {
      this.byName.clear();
      this.generation = this.current();
      return undefined;
    }
    const msg = req.msg;
    const end = req.nameEnd;
    const list = this.byName.get(hash);
    if (list === undefined) return undefined;
    const qtype = req.qtype;
    const dnssec = req.do;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.qtype === qtype && r.dnssec === dnssec && r.nameEnd === end && sameName(r.msg, msg, end)) return r;
    }
    return undefined;
  }

  /** Keeps the reply `msg` (without OPT) to `req`, or a pass when `msg` is null. Built in an older generation: not kept. */
  keep(req: Request, hash: number, msg: Buffer | null, generation: number): void {
    if (generation !== this.generation) return;
    const list = this.byName.get(hash) ?? [];
    let sameNames = 0;
    for (const r of list) if (r.nameEnd === req.nameEnd && sameName(r.msg, req.msg, req.nameEnd)) sameNames++;
    if (sameNames >= MAX_PER_NAME) return;
    // Unpooled: a kept reply outlives the 8 KiB pool slab a pooled copy would pin.
    const stored = Buffer.allocUnsafeSlow(msg ? msg.length : req.nameEnd);
    (msg ?? req.msg).copy(stored, 0, 0, stored.length);
    stored[0] = 0;
    stored[1] = 0;
    list.push(new CachedReply(stored, req.nameEnd, req.qtype, req.do, msg === null));
    if (list.length === 1) this.byName.set(hash, list);
  }
}

/**
 * Writes `msg` (a reply without OPT, built for this question or kept from
 * another spelling of it) as the reply to `req`: its ID, opcode, RD, CD and
 * the letters of its name, and an OPT when the query had one.
 */
export function sendReply(req: Request, w: ResponseWriter, msg: Buffer): void {
  const q = req.msg;
  const len = msg.length;
  const out = Buffer.allocUnsafe(req.edns === null ? len : len + 11);
  msg.copy(out, 0, 0, len);
  // A loop beats Buffer#copy's argument checks for a name's few bytes.
  for (let i = 12, end = req.nameEnd; i < end; i++) out[i] = q[i]!;
  stampReply(out, len, req);
  w.write(out);
}
