import type { ResponseWriter } from '../plugin.js';
import type { FrameSink, Remote, UdpEndpoint } from '../transport.js';
import { QType } from '../wire/constants.js';
import { fitReply } from '../wire/fit.js';
import type { Request } from '../wire/request.js';

/**
 * The last writer of every chain: it applies the RFC rules once (ID, OPT,
 * truncation to the client's size) and sends. A second write is ignored.
 */
export interface ServerWriter extends ResponseWriter, WrittenReply {
  readonly req: Request;
  readonly written: boolean;
  /** The chain returned NO_REPLY unwritten: the transport owes the client nothing. */
  noReply(): void;
}

/** The first reply a server's writer was given (before fitting), as metrics and logs count it. */
export interface WrittenReply {
  /** The header's rcode; -1 until a reply is written. */
  readonly rcode: number;
  /** The reply's length in bytes. */
  readonly size: number;
  /** The plugin that wrote it (`req.plugin` at the time). */
  readonly plugin: string;
}

/**
 * `w` itself when it is the server's own writer, which keeps what it sent:
 * a plugin that only reports how a query ended (prometheus) need not wrap it.
 * Null when a plugin before has wrapped the writer.
 */
export function writtenReply(w: ResponseWriter): WrittenReply | null {
  return w instanceof UdpWriter || w instanceof TcpWriter ? w : null;
}

// Two plain classes, not subclasses of a shared base: one is built per query,
// and V8 builds an instance of a derived class through a generic construct stub.

/** Notes the first reply a server's writer was given (the WrittenReply it keeps). */
function keep(w: UdpWriter | TcpWriter, msg: Buffer): void {
  w.rcode = msg[3]! & 0x0f;
  w.size = msg.length;
  w.plugin = w.req.plugin;
}

export class UdpWriter implements ServerWriter {
  written = false;
  rcode = -1;
  size = 0;
  plugin = '';
  constructor(
    readonly req: Request,
    private readonly via: UdpEndpoint,
    private readonly to: Remote,
  ) {}

  write(msg: Buffer): void {
    if (this.written) return;
    this.written = true;
    keep(this, msg);
    this.via.send(fitReply(this.req, msg), this.to);
  }

  /** A datagram owes nothing; an in-process exchange wants to know. */
  noReply(): void {
    this.via.noReply?.();
  }
}

export class TcpWriter implements ServerWriter {
  written = false;
  rcode = -1;
  size = 0;
  plugin = '';
  constructor(
    readonly req: Request,
    private readonly sink: FrameSink,
  ) {}

  write(msg: Buffer): void {
    if (this.written) {
      // A zone transfer's answer is many messages on one stream (RFC 5936 2.2).
      if (this.req.qtype === QType.AXFR || this.req.qtype === QType.IXFR) this.sink.sendFrame(msg, true);
      return;
    }
    this.written = true;
    keep(this, msg);
    this.sink.sendFrame(fitReply(this.req, msg));
  }

  noReply(): void {
    this.sink.noReply();
  }
}
