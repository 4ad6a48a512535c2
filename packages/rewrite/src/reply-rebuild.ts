import { type Edns, layout, QType, skipName, writeOpt } from '@chaindns/core';
import { type EdnsOption, optionsLength, readOptions, writeOptions } from './edns-options.js';
import { encodeText, wireText } from './name-text.js';
import { RDATA_NAMES } from './rdata-names.js';
import type { NameRewriter } from './response-rules.js';
import { WireWriter } from './wire-writer.js';

/** A record to write: the message it is in, where it starts, and a new CNAME target when a cname rule set one. */
export interface RecordRef {
  readonly src: Buffer;
  readonly off: number;
  readonly target?: string;
}

/** The reply's OPT as the client sees it: the options a reply without any shows, and what `revert` puts back. */
export interface OptEdits {
  /** The rewritten query's options a reply whose OPT carries none shows (CoreDNS's server echoes them). */
  readonly echo: readonly EdnsOption[] | null;
  /** Each option code with the data the client sent, or null for one it did not send; first to apply first. */
  readonly reverts: readonly { readonly code: number; readonly data: Uint8Array | null }[];
  /** The client's EDNS0, for an OPT the reply lacks. */
  readonly client: Edns | null;
}

export interface ReplyEdits {
  /** The client's question: name, type and class, as sent. */
  readonly question: Uint8Array;
  /** Owner name and value rewriters, and TTL clamps, each in the order to apply. */
  readonly names: readonly NameRewriter[];
  readonly values: readonly NameRewriter[];
  readonly ttls: readonly { readonly min: number; readonly max: number }[];
  readonly opt: OptEdits | null;
  /** An answer section to write instead of the reply's, and its TC bit (a cname rule's lookup). */
  readonly answers: { readonly records: readonly RecordRef[]; readonly truncated: boolean } | null;
}

// One name at a time is expanded here (pointers followed), and a rewritten one encoded, before it is written.
const scratch = Buffer.allocUnsafe(256);
// Used by one rebuild at a time (synchronously); each gets a fresh buffer.
const out = new WireWriter();

/**
 * The reply written again for the client: its header, the client's question,
 * and every record with its names expanded and compressed anew (a rewritten
 * question moves every offset after it, so the reply's pointers cannot be
 * kept), owner names, values and TTLs rewritten, and the OPT's options as
 * the client should see them. Null when the reply is malformed or a rewrite
 * makes a name that is not legal.
 */
export function rebuildReply(msg: Buffer, edits: ReplyEdits): Buffer | null {
  const lay = layout(msg);
  if (!lay) return null;
  const { question } = edits;
  out.start(msg.length + question.length + 64);
  out.bytes(msg, 0, 12);
  out.name(question, 0, question.length - 4, true);
  out.bytes(question, question.length - 4, question.length);
  const records = edits.answers?.records;
  if (records) {
    for (const r of records) if (!writeRecord(r.src, r.off, edits, r.target)) return null;
  } else {
    for (let i = 0; i < lay.an; i++) if (!writeRecord(msg, lay.starts[i]!, edits)) return null;
  }
  let ar = lay.ar;
  let opt = false;
  for (let i = lay.an; i < lay.an + lay.ns + lay.ar; i++) {
    const off = lay.starts[i]!;
    if (i >= lay.an + lay.ns && msg[off] === 0 && msg.readUInt16BE(off + 1) === QType.OPT) {
      writeReplyOpt(msg, off, edits.opt);
      opt = true;
    } else if (!writeRecord(msg, off, edits)) {
      return null;
    }
  }
  if (!opt && edits.opt && addOpt(edits.opt)) ar++;
  const buf = out.buf;
  buf.writeUInt16BE(1, 4);
  buf.writeUInt16BE(records ? records.length : lay.an, 6);
  buf.writeUInt16BE(ar, 10);
  if (edits.answers) buf[2] = edits.answers.truncated ? buf[2]! | 0x02 : buf[2]! & ~0x02;
  return out.done();
}

/** Writes one record (not an OPT); false when it is malformed or a rewritten name is not legal. */
function writeRecord(src: Buffer, off: number, edits: ReplyEdits, target?: string): boolean {
  const nameEnd = skipName(src, off);
  if (nameEnd < 0 || nameEnd + 10 > src.length) return false;
  const rdStart = nameEnd + 10;
  const rdEnd = rdStart + src.readUInt16BE(nameEnd + 8);
  if (rdEnd > src.length || !writeName(src, off, edits.names, true)) return false;
  out.bytes(src, nameEnd, nameEnd + 4);
  let ttl = src.readUInt32BE(nameEnd + 4);
  for (const t of edits.ttls) ttl = ttl < t.min ? t.min : ttl > t.max ? t.max : ttl;
  out.u32(ttl);
  const lengthAt = out.reserve(2);
  if (!writeRdata(src, rdStart, rdEnd, src.readUInt16BE(nameEnd), edits.values, target)) return false;
  out.buf.writeUInt16BE(out.len - lengthAt - 2, lengthAt);
  return true;
}

/** A record's data, its names expanded (and the value rewritten) for the types that hold names, else as it is. */
function writeRdata(src: Buffer, start: number, end: number, type: number, values: readonly NameRewriter[], target?: string): boolean {
  const layout = RDATA_NAMES.get(type);
  if (!layout) {
    out.bytes(src, start, end);
    return true;
  }
  let off = start;
  for (let i = 0; i < layout.parts.length; i++) {
    const part = layout.parts[i]!;
    const next = part === 'name' ? skipName(src, off) : part === 'string' ? off + 1 + (src[off] ?? 0) : off + part;
    if (next < 0 || next > end) return false;
    if (part !== 'name') out.bytes(src, off, next);
    else if (i !== layout.value) {
      if (!writeName(src, off, [], layout.compress)) return false;
    } else if (!writeName(src, off, values, layout.compress, target)) return false;
    off = next;
  }
  out.bytes(src, off, end);
  return true;
}

/**
 * Writes the name at `src[off]` through `rewriters` (in order), or `name`
 * instead of it when given. Its labels are copied as they are, and turned
 * into text only when a rewriter reads it.
 */
function writeName(src: Buffer, off: number, rewriters: readonly NameRewriter[], compress: boolean, name?: string): boolean {
  let len = name === undefined ? expandName(src, off, scratch) : -1;
  if (name === undefined && len < 0) return false;
  if (rewriters.length > 0 || name !== undefined) {
    const before = name ?? wireText(scratch, len);
    let text = before;
    for (const rewrite of rewriters) text = rewrite(text);
    if (text !== before || name !== undefined) len = encodeText(text, scratch);
    if (len < 0) return false;
  }
  out.name(scratch, 0, len, compress);
  return true;
}

/** Copies the name at `src[off]` into `dst` with its pointers followed; its length, or -1 when malformed. */
function expandName(src: Uint8Array, off: number, dst: Uint8Array): number {
  let len = 0;
  for (let jumps = 0; ; ) {
    if (off >= src.length) return -1;
    const b = src[off]!;
    if (b === 0) {
      dst[len] = 0;
      return len + 1;
    }
    if ((b & 0xc0) === 0xc0) {
      if (off + 1 >= src.length || ++jumps > 64) return -1;
      off = ((b & 0x3f) << 8) | src[off + 1]!;
      continue;
    }
    if (b & 0xc0 || len + b + 2 > dst.length || off + b + 1 > src.length) return -1;
    for (const end = off + b + 1; off < end; ) dst[len++] = src[off++]!;
  }
}

/** The reply's OPT, with its options as the client should see them. */
function writeReplyOpt(msg: Buffer, off: number, edits: OptEdits | null): void {
  const end = off + 11 + msg.readUInt16BE(off + 9);
  if (!edits) {
    out.bytes(msg, off, end);
    return;
  }
  let options = readOptions(msg, off);
  if (options.length === 0 && edits.echo) options = [...edits.echo];
  options = reverted(options, edits.reverts);
  out.bytes(msg, off, off + 9);
  const length = optionsLength(options);
  out.u16(length);
  const at = out.reserve(length);
  writeOptions(options, out.buf, at);
}

/** An OPT for a reply that has none, when the client has EDNS0 and options to see; false when none is needed. */
function addOpt(edits: OptEdits): boolean {
  if (!edits.client || !edits.echo) return false;
  const options = reverted([...edits.echo], edits.reverts);
  if (options.length === 0) return false;
  const at = out.reserve(11);
  writeOpt(out.buf, at, edits.client);
  const length = optionsLength(options);
  out.buf.writeUInt16BE(length, at + 9);
  const data = out.reserve(length);
  writeOptions(options, out.buf, data);
  return true;
}

/** The options with each revert applied to the first option of its code: put back as sent, or removed. */
function reverted(options: EdnsOption[], reverts: OptEdits['reverts']): EdnsOption[] {
  for (const r of reverts) {
    const i = options.findIndex((o) => o.code === r.code);
    if (i < 0) continue;
    if (r.data) options[i] = { code: r.code, data: r.data };
    else options.splice(i, 1);
  }
  return options;
}
