/**
 * Encoded replies kept on the node they answer: a query for a name the zone
 * holds is answered by copying the query's header and question and these
 * bytes after them. Every name in them is compressed against the question
 * or written whole, so they fit any spelling of the name. A node keeps at
 * most a few (types asked, with and without DO); a reload builds new nodes.
 */
import { type Request, type ResponseWriter, writeOpt } from '@chaindns/core';
import type { ReplyBody } from './message.js';
import type { Node } from './zone.js';

export interface CachedReply extends ReplyBody {
  /** qtype * 2 + DO. */
  readonly key: number;
  /** The handler's zone generation it was built in (a CNAME may lead into another of its zones). */
  readonly generation: number;
  /** The query falls through to the next plugin instead. */
  readonly pass: boolean;
}

const MAX_PER_NODE = 8;

export function replyKey(qtype: number, dnssec: boolean): number {
  return qtype * 2 + (dnssec ? 1 : 0);
}

export function cachedReply(node: Node, key: number, generation: number): CachedReply | undefined {
  const replies = node.replies;
  if (replies === null) return undefined;
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i]!;
    if (r.key === key) return r.generation === generation ? r : undefined;
  }
  return undefined;
}

export function keepReply(node: Node, reply: CachedReply): void {
  const replies = (node.replies ??= []);
  const i = replies.findIndex((r) => r.key === reply.key);
  if (i >= 0) replies[i] = reply;
  else if (replies.length < MAX_PER_NODE) replies.push(reply);
}

/** The reply `reply` holds, for `req`: its ID, opcode, RD, CD and question, the OPT when it had one. */
export function sendReply(req: Request, w: ResponseWriter, reply: ReplyBody): void {
  const q = req.msg;
  const qEnd = req.questionEnd;
  const body = reply.body;
  const edns = req.edns;
  const out = Buffer.allocUnsafe(qEnd + body.length + (edns ? 11 : 0));
  q.copy(out, 0, 0, qEnd);
  // QR, the query's opcode and RD; AA and TC as built; the query's CD; the rcode as built.
  out[2] = 0x80 | (q[2]! & 0x79) | (reply.flags >> 8);
  out[3] = (q[3]! & 0x10) | (reply.flags & 0xff);
  out[4] = 0;
  out[5] = 1;
  out[6] = reply.an >> 8;
  out[7] = reply.an & 0xff;
  out[8] = reply.ns >> 8;
  out[9] = reply.ns & 0xff;
  const ar = reply.ar + (edns ? 1 : 0);
  out[10] = ar >> 8;
  out[11] = ar & 0xff;
  body.copy(out, qEnd);
  if (edns) writeOpt(out, qEnd + body.length, edns);
  w.write(out);
}
