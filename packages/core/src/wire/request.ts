import type * as DnsPacket from 'dns-packet';
import dnsPacket from './dns-packet.cjs';
import type { Metadata } from '../metadata.js';
import type { Remote } from '../transport.js';
import { checkRecords, MALFORMED } from './check-records.js';
import { EDNS_DO, Flag, HEADER_SIZE, MAX_UDP_SIZE, MIN_UDP_SIZE, Opcode, Rcode, typeName } from './constants.js';
import { isPlain, labelText, lowerName } from './name.js';

export type Transport = 'udp' | 'tcp';

/** The EDNS0 facts of a query's OPT record. */
export interface Edns {
  readonly udpSize: number;
  readonly do: boolean;
  readonly version: number;
}

/**
 * One query, parsed from its bytes only as far as routing and the RFC rules
 * need (header, the question, OPT). `msg` keeps the bytes as received; the
 * whole message is decoded with dns-packet only when `decode()` is called.
 */
export class Request {
  /** The zone of the server block that serves this query; set by the server. */
  zone = '.';
  /** The server block's address, as CoreDNS's `server` metric label (`dns://:53`); set by the server. */
  server = '';
  /**
   * The handler the chain entered last; set by the chain. When a reply is
   * written it names the plugin that answered (CoreDNS's `plugin` metric label).
   */
  plugin = '';
  /** How many in-process lookups (ctx.resolve) led to this query: 0 for a client's; set by the server. */
  hops = 0;
  /**
   * The listener's own address and port (`::` for one on all addresses; CoreDNS's
   * `server_ip()` and `server_port()`); set by the server.
   */
  local: Listening = NOT_LISTENING;
  /** The view of the server block serving this query (CoreDNS's `view` label), '' for a block without one; set by the server. */
  view = '';
  /**
   * The query's metadata (`metadata` plugin), read with `metadata?.get(label)`:
   * null when the block has no collector or its zones do not cover the name. Set by the server.
   */
  metadata: Metadata | null = null;
  private decoded: DnsPacket.Packet | undefined;
  private raw: string | undefined;
  private lowered: string | undefined;

  constructor(
    readonly msg: Buffer,
    readonly transport: Transport,
    readonly remote: Remote,
    /** The question's name as qnameRaw gives it; undefined to read it from `msg` when first asked for. */
    qnameRaw: string | undefined,
    readonly qtype: number,
    readonly qclass: number,
    /** Offset just past the question's name; the name's bytes are `msg[12, nameEnd)`. */
    readonly nameEnd: number,
    readonly edns: Edns | null,
    /** Where the OPT record's fields (TYPE, CLASS, TTL, RDLENGTH, options) start in `msg`, past its owner name; -1 without an OPT. */
    readonly optAt: number = -1,
  ) {
    this.raw = qnameRaw;
  }

  /**
   * The question as sent, FQDN in presentation form (letter case kept, for
   * 0x20 clients). Built from the bytes when first read: a query answered
   * from the wire alone (a cache hit) never builds a string.
   */
  get qnameRaw(): string {
    return (this.raw ??= questionName(this.msg, this.nameEnd));
  }

  get id(): number {
    return (this.msg[0]! << 8) | this.msg[1]!;
  }
  /** The second header word: QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode. */
  get flags(): number {
    return (this.msg[2]! << 8) | this.msg[3]!;
  }
  get opcode(): number {
    return (this.msg[2]! >> 3) & 0x0f;
  }
  get rd(): boolean {
    return (this.flags & Flag.RD) !== 0;
  }
  get cd(): boolean {
    return (this.flags & Flag.CD) !== 0;
  }
  get do(): boolean {
    return this.edns?.do ?? false;
  }
  /** The question's name, lowercased FQDN (`example.org.`). */
  get qname(): string {
    return (this.lowered ??= lowerName(this.qnameRaw));
  }
  /** The question's type as a mnemonic (`A`, `AAAA`, `TYPE65280`). */
  get qtypeName(): string {
    return typeName(this.qtype);
  }
  /** Offset just past the question (type and class included). */
  get questionEnd(): number {
    return this.nameEnd + 4;
  }
  /** The largest reply this client takes over this transport. */
  get maxSize(): number {
    if (this.transport === 'tcp') return 65535;
    const size = this.edns?.udpSize ?? MIN_UDP_SIZE;
    return size < MIN_UDP_SIZE ? MIN_UDP_SIZE : size > MAX_UDP_SIZE ? MAX_UDP_SIZE : size;
  }
  get size(): number {
    return this.msg.length;
  }
  /** The whole message decoded by dns-packet, once. */
  decode(): DnsPacket.Packet {
    return (this.decoded ??= dnsPacket.decode(this.msg));
  }
}

/** The address and port a listener is bound to. */
export interface Listening {
  readonly address: string;
  readonly port: number;
}

/** A query that came through no listener (built in process). */
const NOT_LISTENING: Listening = Object.freeze({ address: '', port: 0 });

/** Why a packet did not become a Request: drop it, or answer with `rcode`. */
export interface WireFault {
  readonly drop: boolean;
  readonly rcode: number;
  /** Offset past a readable question, so the error reply can echo it (0 when none). */
  readonly questionEnd: number;
  /** The query's EDNS0, when it was readable, so the error reply carries an OPT. */
  readonly edns: Edns | null;
}

const DROP: WireFault = { drop: true, rcode: 0, questionEnd: 0, edns: null };
const fault = (rcode: number, questionEnd = 0, edns: Edns | null = null): WireFault => ({ drop: false, rcode, questionEnd, edns });

/**
 * Parses a query. Unreadable headers and responses (QR=1) are dropped;
 * QUERY and NOTIFY go on (miekg/dns's default accept function, which
 * CoreDNS's server uses: a secondary hears its primary's NOTIFY), other
 * opcodes get NOTIMP, QDCOUNT other than 1 or a malformed message
 * FORMERR, and an EDNS version above 0 BADVERS. The records after the
 * question are checked (checkRecords), not decoded.
 */
export function parseRequest(msg: Buffer, transport: Transport, remote: Remote): Request | WireFault {
  if (msg.length < HEADER_SIZE || msg[2]! & 0x80) return DROP;
  const opcode = (msg[2]! >> 3) & 0x0f;
  // Any opcode but QUERY and NOTIFY gets NOTIMP, with its question when that is readable.
  const accepted = opcode === Opcode.QUERY || opcode === Opcode.NOTIFY;
  const unreadable = accepted ? Rcode.FORMERR : Rcode.NOTIMP;
  if (msg[4] !== 0 || msg[5] !== 1) return fault(unreadable);
  // The question: labels only (a compression pointer in the first name is malformed), 255 octets at most.
  let off = HEADER_SIZE;
  for (;;) {
    if (off >= msg.length) return fault(unreadable);
    const len = msg[off]!;
    if (len === 0) break;
    if (len > 63 || off + 1 + len > msg.length || off + len - HEADER_SIZE > 253) return fault(unreadable);
    off += len + 1;
  }
  const nameEnd = off + 1;
  if (nameEnd + 4 > msg.length) return fault(unreadable);
  const qtype = (msg[nameEnd]! << 8) | msg[nameEnd + 1]!;
  const qclass = (msg[nameEnd + 2]! << 8) | msg[nameEnd + 3]!;
  const questionEnd = nameEnd + 4;
  if (!accepted) return fault(Rcode.NOTIMP, questionEnd);

  const an = (msg[6]! << 8) | msg[7]!;
  const ns = (msg[8]! << 8) | msg[9]!;
  const ar = (msg[10]! << 8) | msg[11]!;
  let edns: Edns | null = null;
  let optAt = -1;
  if (an + ns + ar > 0) {
    // CoreDNS's server (miekg/dns's default accept function) takes at most one answer
    // record (NOTIFY's SOA), one authority record (IXFR's SOA) and two additional ones.
    if (an > 1 || ns > 1 || ar > 2) return fault(Rcode.FORMERR, questionEnd);
    optAt = checkRecords(msg, questionEnd, an, ns, ar);
    if (optAt === MALFORMED) return fault(Rcode.FORMERR, questionEnd);
    if (optAt >= 0) {
      edns = {
        udpSize: (msg[optAt + 2]! << 8) | msg[optAt + 3]!,
        version: msg[optAt + 5]!,
        do: (((msg[optAt + 6]! << 8) | msg[optAt + 7]!) & EDNS_DO) !== 0,
      };
    }
  }
  if (edns && edns.version > 0) return fault(Rcode.BADVERS, questionEnd, edns);
  return new Request(msg, transport, remote, undefined, qtype, qclass, nameEnd, edns, optAt);
}

/** The question's name (`msg[12, nameEnd)`, validated labels) in presentation form. */
function questionName(msg: Buffer, nameEnd: number): string {
  if (nameEnd === HEADER_SIZE + 1) return '.';
  for (let off = HEADER_SIZE; off < nameEnd - 1; off += msg[off]! + 1) {
    for (let i = off + 1; i <= off + msg[off]!; i++) if (!isPlain(msg[i]!)) return escapedName(msg, nameEnd);
  }
  return plainName(msg, nameEnd);
}

// One name's bytes at a time: the question is copied here with its length bytes turned into dots.
const scratch = Buffer.allocUnsafe(256);

/**
 * The name when every byte is printable (the usual case): one copy, one
 * string. A loop beats Buffer#copy's and #toString's argument checks for a
 * name's few bytes.
 */
function plainName(msg: Buffer, nameEnd: number): string {
  const n = nameEnd - HEADER_SIZE - 1;
  for (let i = 0, label = msg[HEADER_SIZE]!; i < n; i++) {
    const c = msg[HEADER_SIZE + 1 + i]!;
    if (i === label) {
      scratch[i] = 0x2e;
      label += c + 1;
    } else {
      scratch[i] = c;
    }
  }
  return Buffer.prototype.latin1Slice.call(scratch, 0, n) as string;
}

/** The name with escapes (`\.`, `\DDD`), label by label. */
function escapedName(msg: Buffer, nameEnd: number): string {
  let name = '';
  for (let off = HEADER_SIZE; off < nameEnd - 1; off += msg[off]! + 1) name += labelText(msg, off + 1, off + 1 + msg[off]!) + '.';
  return name;
}
