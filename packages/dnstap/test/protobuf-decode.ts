/** A protobuf message's fields by number: varints as numbers, fixed32 as numbers, length-delimited as bytes. */
export type Fields = Map<number, Array<number | Buffer>>;

/** Decodes one protobuf message (the tests' check of the hand-written encoder, and a view of what tools do not show). */
export function decodeFields(msg: Buffer): Fields {
  const out: Fields = new Map();
  let off = 0;
  const varint = (): number => {
    let n = 0;
    for (let scale = 1; ; scale *= 128) {
      if (off >= msg.length) throw new Error('truncated varint');
      const b = msg[off++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
    }
  };
  while (off < msg.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    let value: number | Buffer;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 5:
        value = msg.readUInt32LE(off);
        off += 4;
        break;
      case 2: {
        const length = varint();
        if (off + length > msg.length) throw new Error('truncated field');
        value = msg.subarray(off, off + length);
        off += length;
        break;
      }
      default:
        throw new Error(`unexpected wire type ${key & 7}`);
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

/** The data frames of a Frame Streams byte stream (a capture file, or what a writer sent), control frames skipped. */
export function dataFrames(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off + 4 <= stream.length; ) {
    const length = stream.readUInt32BE(off);
    if (length === 0) {
      off += 8 + stream.readUInt32BE(off + 4);
      continue;
    }
    out.push(stream.subarray(off + 4, off + 4 + length));
    off += 4 + length;
  }
  return out;
}
