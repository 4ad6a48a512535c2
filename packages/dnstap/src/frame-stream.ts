/**
 * Frame Streams (the fstrm protocol dnstap travels in), as a writer speaks
 * it over a bidirectional socket: READY with the content type, the reader's
 * ACCEPT, START, data frames (a 32-bit big-endian length, then the payload),
 * and on close STOP, answered by FINISH. A control frame is an escape (a zero
 * length), its own length, its type and its fields.
 */

/** The content type of dnstap payloads. */
export const CONTENT_TYPE = 'protobuf:dnstap.Dnstap';

export const Control = { ACCEPT: 1, START: 2, STOP: 3, READY: 4, FINISH: 5 } as const;
const FIELD_CONTENT_TYPE = 1;
/** Frame Streams' bound on a control frame. */
const MAX_CONTROL_LENGTH = 512;

/** A control frame of `type`, with the content type (READY, START, ACCEPT) or without (STOP, FINISH). */
export function controlFrame(type: number, contentType: string | null = CONTENT_TYPE): Buffer {
  const ct = contentType === null ? null : Buffer.from(contentType);
  const length = 4 + (ct ? 8 + ct.length : 0);
  const out = Buffer.alloc(8 + length);
  out.writeUInt32BE(length, 4);
  out.writeUInt32BE(type, 8);
  if (ct) {
    out.writeUInt32BE(FIELD_CONTENT_TYPE, 12);
    out.writeUInt32BE(ct.length, 16);
    ct.copy(out, 20);
  }
  return out;
}

export interface ControlMessage {
  readonly type: number;
  readonly contentTypes: readonly string[];
}

/**
 * Reads the control frames a reader sends a writer (ACCEPT, FINISH) from a
 * byte stream; a data frame or a malformed control frame is a protocol error.
 */
export class ControlReader {
  private buffered = Buffer.alloc(0);

  /** The frames complete with `chunk`; throws on a protocol error. */
  push(chunk: Buffer): ControlMessage[] {
    let buf = this.buffered.length > 0 ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: ControlMessage[] = [];
    while (buf.length >= 8) {
      if (buf.readUInt32BE(0) !== 0) throw new Error('the reader sent a data frame');
      const length = buf.readUInt32BE(4);
      if (length < 4 || length > MAX_CONTROL_LENGTH) throw new Error(`a control frame of ${length} bytes`);
      if (buf.length < 8 + length) break;
      out.push(parseControl(buf.subarray(8, 8 + length)));
      buf = buf.subarray(8 + length);
    }
    this.buffered = Buffer.from(buf);
    return out;
  }
}

function parseControl(frame: Buffer): ControlMessage {
  const type = frame.readUInt32BE(0);
  const contentTypes: string[] = [];
  for (let off = 4; off < frame.length; ) {
    if (off + 8 > frame.length) throw new Error('a truncated control field');
    const field = frame.readUInt32BE(off);
    const length = frame.readUInt32BE(off + 4);
    if (off + 8 + length > frame.length) throw new Error('a truncated control field');
    if (field === FIELD_CONTENT_TYPE) contentTypes.push(frame.toString('latin1', off + 8, off + 8 + length));
    off += 8 + length;
  }
  return { type, contentTypes };
}
