/**
 * The dnstap protobuf (dnstap.proto's `Dnstap` and `Message`), encoded by
 * hand: chaindns writes a handful of fields, always the same ones, straight
 * into the output's batch buffer, with no message objects and no library.
 */

/** dnstap.proto's Message.Type values chaindns sends. */
export const MessageType = { CLIENT_QUERY: 5, CLIENT_RESPONSE: 6, FORWARDER_QUERY: 7, FORWARDER_RESPONSE: 8 } as const;

/** dnstap.proto's SocketProtocol: what chaindns sees (DNS over TLS and HTTPS arrive as TCP, as CoreDNS reports them). */
export const SocketProtocol = { UDP: 1, TCP: 2 } as const;

const INET = 1;
const INET6 = 2;
/** Dnstap.type: MESSAGE (field 15, varint 1): the last two bytes of every payload. */
const DNSTAP_TYPE_MESSAGE = [(15 << 3) | 0, 1] as const;

/**
 * One Message's fields. A tap fills one scratch instance per message and
 * encodes it at once (the bytes are copied into the batch), so a query costs
 * no object of its own. Absent fields are null or -1.
 */
export class TapMessage {
  type = 0;
  protocol = 0;
  /** 4 octets (INET) or 16 (INET6); the family is taken from the length. */
  queryAddress: Uint8Array | null = null;
  queryPort = -1;
  responseAddress: Uint8Array | null = null;
  responsePort = -1;
  /** Milliseconds since the epoch, with a fraction. */
  queryTime = -1;
  responseTime = -1;
  queryMessage: Uint8Array | null = null;
  responseMessage: Uint8Array | null = null;
}

/** The fields every payload of one tap starts with: identity (1) and version (2). */
export function encodeHead(identity: Uint8Array, version: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(bytesFieldSize(1, identity.length) + bytesFieldSize(2, version.length));
  writeBytesField(out, writeBytesField(out, 0, 1, identity), 2, version);
  return out;
}

/** The size of a Dnstap payload of `head`, `extra` (field 3, none when null) and `m`. */
export function dnstapSize(head: Uint8Array, extra: Uint8Array | null, messageSize: number): number {
  return head.length + (extra ? bytesFieldSize(3, extra.length) : 0) + bytesFieldSize(14, messageSize) + DNSTAP_TYPE_MESSAGE.length;
}

/** Writes a Dnstap payload at `off` (dnstapSize bytes); `messageSize` is messageSize(m). */
export function encodeDnstap(out: Buffer, off: number, head: Uint8Array, extra: Uint8Array | null, m: TapMessage, messageSize: number): void {
  off = copy(out, off, head);
  if (extra) off = writeBytesField(out, off, 3, extra);
  out[off++] = (14 << 3) | 2;
  off = writeVarint(out, off, messageSize);
  off = writeMessage(out, off, m);
  out[off++] = DNSTAP_TYPE_MESSAGE[0];
  out[off] = DNSTAP_TYPE_MESSAGE[1];
}

/** The encoded size of `m`'s fields. */
export function messageSize(m: TapMessage): number {
  const address = m.queryAddress ?? m.responseAddress;
  let n = 2 + (address ? 2 : 0) + (m.protocol ? 2 : 0);
  if (m.queryAddress) n += bytesFieldSize(4, m.queryAddress.length);
  if (m.responseAddress) n += bytesFieldSize(5, m.responseAddress.length);
  if (m.queryPort >= 0) n += 1 + varintSize(m.queryPort);
  if (m.responsePort >= 0) n += 1 + varintSize(m.responsePort);
  if (m.queryTime >= 0) n += timeSize(m.queryTime);
  if (m.responseTime >= 0) n += timeSize(m.responseTime);
  if (m.queryMessage) n += bytesFieldSize(10, m.queryMessage.length);
  if (m.responseMessage) n += bytesFieldSize(14, m.responseMessage.length);
  return n;
}

/** Message's fields in field-number order. */
function writeMessage(out: Buffer, off: number, m: TapMessage): number {
  out[off++] = (1 << 3) | 0;
  out[off++] = m.type;
  const address = m.queryAddress ?? m.responseAddress;
  if (address) {
    out[off++] = (2 << 3) | 0;
    out[off++] = address.length === 4 ? INET : INET6;
  }
  if (m.protocol) {
    out[off++] = (3 << 3) | 0;
    out[off++] = m.protocol;
  }
  if (m.queryAddress) off = writeBytesField(out, off, 4, m.queryAddress);
  if (m.responseAddress) off = writeBytesField(out, off, 5, m.responseAddress);
  if (m.queryPort >= 0) off = writeVarint(out, writeKey(out, off, 6, 0), m.queryPort);
  if (m.responsePort >= 0) off = writeVarint(out, writeKey(out, off, 7, 0), m.responsePort);
  if (m.queryTime >= 0) off = writeTime(out, off, 8, m.queryTime);
  if (m.queryMessage) off = writeBytesField(out, off, 10, m.queryMessage);
  if (m.responseTime >= 0) off = writeTime(out, off, 12, m.responseTime);
  if (m.responseMessage) off = writeBytesField(out, off, 14, m.responseMessage);
  return off;
}

/** The seconds of the last time encoded, and their varint: they change once a second. */
let cachedSec = -1;
const cachedSecBytes = Buffer.alloc(10);
let cachedSecSize = 0;

function secondsVarint(sec: number): void {
  if (sec === cachedSec) return;
  cachedSec = sec;
  cachedSecSize = writeVarint(cachedSecBytes, 0, sec);
}

/** The bytes of a time's two fields: the key and varint of the seconds, the key and fixed32 of the nanoseconds. */
function timeSize(ms: number): number {
  secondsVarint(Math.floor(ms / 1000));
  return 1 + cachedSecSize + 5;
}

/** A time as `*_time_sec` (uint64, field `field`) and `*_time_nsec` (fixed32, the next field). */
function writeTime(out: Buffer, off: number, field: number, ms: number): number {
  const sec = Math.floor(ms / 1000);
  const nsec = Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6));
  secondsVarint(sec);
  out[off++] = (field << 3) | 0;
  for (let i = 0; i < cachedSecSize; i++) out[off++] = cachedSecBytes[i]!;
  out[off++] = ((field + 1) << 3) | 5;
  out[off++] = nsec & 0xff;
  out[off++] = (nsec >>> 8) & 0xff;
  out[off++] = (nsec >>> 16) & 0xff;
  out[off++] = nsec >>> 24;
  return off;
}

/** Copies `bytes` to `out` at `off`: a loop for the short ones (addresses, the head), where TypedArray.set costs more than it moves. */
function copy(out: Buffer, off: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n > 64) out.set(bytes, off);
  else for (let i = 0; i < n; i++) out[off + i] = bytes[i]!;
  return off + n;
}

function writeKey(out: Buffer, off: number, field: number, wireType: number): number {
  out[off] = (field << 3) | wireType;
  return off + 1;
}

function bytesFieldSize(field: number, length: number): number {
  return (field < 16 ? 1 : 2) + varintSize(length) + length;
}

function writeBytesField(out: Buffer, off: number, field: number, bytes: Uint8Array): number {
  return copy(out, writeVarint(out, writeKey(out, off, field, 2), bytes.length), bytes);
}

/** Bytes of a varint of `n` (a non-negative integer below 2^53). */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

export function writeVarint(out: Buffer, off: number, n: number): number {
  while (n >= 0x80) {
    out[off++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[off++] = n;
  return off;
}
