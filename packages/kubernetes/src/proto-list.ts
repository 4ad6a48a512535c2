import { checkMagic, key, MAGIC, ProtoError, ProtoReader } from './protobuf.js';

/** What a list page tells besides its items. */
export interface ListHead {
  readonly metadata: { resourceVersion?: string; continue?: string };
}

/**
 * A list page in Protocol Buffers (`application/vnd.kubernetes.protobuf`),
 * read as it streams in, as ListPageReader reads JSON: each item is decoded
 * as soon as its last byte has come, and the list's metadata (the next
 * page's `continue` token; the API server writes it first) is handed over
 * as soon as it has come.
 *
 * The body is `k8s\0` and a runtime.Unknown (typeMeta 1, raw 2), whose raw
 * bytes are the list: metadata 1 (ListMeta: resourceVersion 2, continue 3),
 * then items 2, each length-delimited. So every unit this reads announces
 * its length first: it waits until that many bytes have come and decodes
 * them in place; only a unit cut by a chunk's end is copied.
 */
export class ProtoListReader<T> {
  /** Bytes not read yet (the start of a unit cut by a chunk's end), and chunks held until a unit is whole. */
  private held: Buffer[] = [];
  private heldLength = 0;
  /** Bytes needed before reading on: the unit cut by the last chunk's end. */
  private need = MAGIC.length;
  /** Where the list's bytes end, counted from the body's first byte, once known. */
  private listEnd = -1;
  /** Bytes of the body already read, before `held`. */
  private consumed = 0;
  private state: 'magic' | 'envelope' | 'list' | 'after' = 'magic';
  /** The list's metadata, once handed over. */
  private head: ListHead | null = null;

  constructor(
    /** Reads one item: the message from `r.pos` to `end`. */
    private readonly decode: (r: ProtoReader, end: number) => T,
    private readonly each: (item: T) => void,
    /** Called once with the list's metadata, as soon as it has come. */
    private readonly onHead: (page: ListHead) => void,
  ) {}

  /** Reads the next chunk of the body. Throws ProtoError on bytes that are not such a list. */
  push(chunk: Buffer): void {
    if (this.heldLength === 0) return chunk.length < this.need ? this.hold(chunk) : this.readIn(chunk, 0);
    this.held.push(chunk);
    this.heldLength += chunk.length;
    if (this.heldLength < this.need) return;
    // Only the unit cut by a chunk's end is copied whole: what was held, and as much of this chunk as it needs
    // (a header's worth at least, past a cut header). The rest of the chunk is read where it lies.
    const before = this.heldLength - chunk.length;
    const take = Math.min(chunk.length, Math.max(this.need - before, HEADER_MAX));
    this.held[this.held.length - 1] = chunk.subarray(0, take);
    const bridge = Buffer.concat(this.held, before + take);
    const used = this.read(bridge, 0);
    this.consumed += used;
    this.held = [];
    this.heldLength = 0;
    if (used >= before) return this.readIn(chunk, used - before);
    // The header that was cut announced a unit longer than what was taken: it is held, and joined again.
    this.hold(bridge.subarray(used));
    if (take < chunk.length) this.push(chunk.subarray(take));
  }

  /** Reads `chunk` from `from` (the bytes before it were read), holding the unit its end cuts. */
  private readIn(chunk: Buffer, from: number): void {
    const used = this.read(chunk, from);
    this.consumed += used - from;
    if (used < chunk.length) this.hold(chunk.subarray(used));
  }

  private hold(rest: Buffer): void {
    this.held = [rest];
    this.heldLength = rest.length;
  }

  /** After the body's last byte: the list's metadata. */
  end(): ListHead {
    // Cut at an item's end is cut too: the list's length says where it ends.
    if (this.state !== 'after') throw new ProtoError(this.consumed + this.heldLength, 'the body ends inside the list');
    return this.sendHead();
  }

  /**
   * Reads every whole unit in `buf` from `from` (`consumed` counts the body's bytes before that); returns where
   * it stopped: the start of a unit not all there, or the end.
   */
  private read(buf: Buffer, from: number): number {
    const r = new ProtoReader(buf, from, buf.length);
    // The body's offset of buf[0].
    const origin = this.consumed - from;
    this.need = 1;
    for (;;) {
      const start = r.pos;
      if (this.state === 'magic') {
        // The body's first bytes: always read from a buffer's start.
        checkMagic(buf);
        r.pos = MAGIC.length;
        this.state = 'envelope';
        continue;
      }
      if (this.state === 'after') return buf.length;
      if (this.state === 'list' && origin + start === this.listEnd) {
        this.state = 'after';
        continue;
      }
      const header = headerOf(r);
      // Not all of it yet: ask again when a byte more has come.
      if (header === null) {
        this.need = buf.length - start + 1;
        return start;
      }
      const [k, bodyStart, length] = header;
      if (this.state === 'envelope' && k === key(2, 2)) {
        // The list itself: read into it as it comes.
        this.listEnd = origin + bodyStart + length;
        this.state = 'list';
        r.pos = bodyStart;
        continue;
      }
      const end = bodyStart + length;
      if (this.state === 'list' && origin + end > this.listEnd) throw new ProtoError(origin + start, 'an item runs past the end of its list');
      if (end > buf.length) {
        this.need = end - start;
        return start;
      }
      r.pos = bodyStart;
      r.end = end;
      if (this.state === 'list' && k === key(1, 2)) this.listMeta(r, end);
      else if (this.state === 'list' && k === key(2, 2)) {
        // The metadata comes first; a list without any still has one, empty, before its items.
        this.sendHead();
        this.each(this.decode(r, end));
      }
      r.pos = end;
      r.end = buf.length;
    }
  }

  /** ListMeta: resourceVersion 2, continue 3. */
  private listMeta(r: ProtoReader, end: number): void {
    const metadata: ListHead['metadata'] = {};
    while (r.pos < end) {
      const k = r.varint();
      if (k === key(2, 2)) metadata.resourceVersion = r.string();
      else if (k === key(3, 2)) metadata.continue = r.string();
      else r.skip(k);
    }
    // The first (the only one the API server writes) counts.
    if (this.head === null) this.onHead((this.head = { metadata }));
  }

  /** The metadata, handed over now if it has not come (a list without any). */
  private sendHead(): ListHead {
    if (this.head === null) this.onHead((this.head = { metadata: {} }));
    return this.head;
  }

}

/** The longest field header: a key and a length, varints of at most 10 bytes each. */
const HEADER_MAX = 20;

/**
 * A field's key, where its bytes start, and their length (0 for a varint,
 * read whole); null when the header has not all come.
 */
function headerOf(r: ProtoReader): [number, number, number] | null {
  const k = varintAt(r.buf, r.pos, r.end);
  if (k === null) return null;
  const wireType = k[0] & 7;
  if (wireType !== 0 && wireType !== 2) throw new ProtoError(r.pos, `a field of wire type ${wireType} where the API writes a message or a number`);
  const v = varintAt(r.buf, k[1], r.end);
  if (v === null) return null;
  return wireType === 2 ? [k[0], v[1], v[0]] : [k[0], v[1], 0];
}

/** The varint at `pos` and the position after it; null when it runs past `max` (not all of it has come). */
function varintAt(buf: Buffer, pos: number, max: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= max) return null;
    const byte = buf[pos++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 0x80;
  }
  throw new ProtoError(pos, 'a varint of more than 10 bytes');
}

/** The message inside a whole body's envelope (an error's Status): its bounds in `buf`. */
export function unwrap(buf: Buffer): ProtoReader {
  checkMagic(buf);
  const r = new ProtoReader(buf, MAGIC.length, buf.length);
  while (r.pos < r.end) {
    const k = r.varint();
    if (k !== key(2, 2)) {
      r.skip(k);
      continue;
    }
    r.end = r.delimited();
    return r;
  }
  throw new ProtoError(buf.length, 'the envelope holds no message');
}
