/**
 * The Protocol Buffers wire format, read: just what decoding the API's
 * objects needs (varints, length-delimited fields, skipping the rest).
 * Hand-written rather than a generated codec: the plugin reads a dozen
 * fields of objects that carry hundreds, and a field it does not read is
 * skipped by its length without being decoded.
 */
export class ProtoReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    /** Where the message being read ends. */
    public end: number,
  ) {}

  /** An unsigned varint of up to 53 bits (a larger one loses its low bits, which nothing read here has). */
  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= this.end) throw new ProtoError(this.end, 'a varint runs past its message');
    let byte = buf[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let value = byte & 0x7f;
    let scale = 0x80;
    for (let i = 1; ; i++) {
      if (pos >= this.end || i === 10) throw new ProtoError(this.end, 'a varint runs past its message');
      byte = buf[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
    }
    this.pos = pos;
    return value;
  }

  /** An int32 field: a negative one is written as ten bytes, of which the low 32 bits count. */
  int32(): number {
    const buf = this.buf;
    let pos = this.pos;
    let value = 0;
    for (let i = 0; ; i++) {
      if (pos >= this.end || i === 10) throw new ProtoError(this.end, 'a varint runs past its message');
      const byte = buf[pos++]!;
      // Shifts wrap at 32 bits: the fifth byte's low four bits are the last that count.
      if (i < 5) value |= (byte & 0x7f) << (7 * i);
      if (byte < 0x80) break;
    }
    this.pos = pos;
    return value;
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** A length-delimited field's end, with `pos` at its first byte. */
  delimited(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new ProtoError(this.end, `a field of ${length} bytes runs past its message`);
    return end;
  }

  string(): string {
    const end = this.delimited();
    // Buffer's own decoder, without toString's checks of its arguments: a list reads hundreds of thousands of short strings.
    const text = (this.buf as unknown as Utf8Slicer).utf8Slice(this.pos, end);
    this.pos = end;
    return text;
  }

  /** Skips a field of this key's wire type. */
  skip(key: number): void {
    switch (key & 7) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimited();
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new ProtoError(this.pos, `wire type ${key & 7} (field ${key >>> 3}) is not one the API writes`);
    }
    if (this.pos > this.end) throw new ProtoError(this.end, 'a fixed-size field runs past its message');
  }
}

/** Buffer's undocumented decoder behind `toString('utf8', start, end)` (in every Node.js since 0.x). */
interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

/** A body that is not the Protocol Buffers the API server writes. */
export class ProtoError extends Error {
  constructor(at: number, message: string) {
    super(`protobuf at byte ${at}: ${message}`);
  }
}

/** The media type of the API server's Protocol Buffers. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** What the API server's Protocol Buffers bodies begin with, before the runtime.Unknown envelope. */
export const MAGIC = Buffer.from('k8s\0', 'latin1');

/** Throws unless `buf` begins with the magic bytes. */
export function checkMagic(buf: Buffer): void {
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new ProtoError(0, 'the body does not begin with the k8s magic bytes');
}

/** A field's key: its number and wire type (2: length-delimited, 0: varint). */
export const key = (field: number, wireType: 0 | 2): number => (field << 3) | wireType;
