import type { ResponseWriter } from '../plugin.js';
import type { Remote, UdpEndpoint } from '../transport.js';
import { fitReply } from '../wire/fit.js';
import type { Request } from '../wire/request.js';

/**
 * The last writer of every chain: it applies the RFC rules once (ID, OPT,
 * truncation to the client's size) and sends. A second write is ignored.
 */
export interface ServerWriter extends ResponseWriter {
  readonly req: Request;
  readonly written: boolean;
}

// Two plain classes, not subclasses of a shared base: one is built per query,
// and V8 builds an instance of a derived class through a generic construct stub.

export class UdpWriter implements ServerWriter {
  written = false;
  constructor(
    readonly req: Request,
    private readonly via: UdpEndpoint,
    private readonly to: Remote,
  ) {}

  write(msg: Buffer): void {
    if (this.written) return;
    this.written = true;
    this.via.send(fitReply(this.req, msg), this.to);
  }
}

/** Anything that takes a framed TCP reply: the connection, or a collector in process. */
export interface FrameSink {
  sendFrame(msg: Buffer): void;
}

export class TcpWriter implements ServerWriter {
  written = false;
  constructor(
    readonly req: Request,
    private readonly sink: FrameSink,
  ) {}

  write(msg: Buffer): void {
    if (this.written) return;
    this.written = true;
    this.sink.sendFrame(fitReply(this.req, msg));
  }
}
