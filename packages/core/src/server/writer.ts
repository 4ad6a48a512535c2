import type { ResponseWriter } from '../plugin.js';
import type { Remote, UdpEndpoint } from '../transport.js';
import { fitReply } from '../wire/fit.js';
import type { Request } from '../wire/request.js';

/**
 * The last writer of every chain: it applies the RFC rules once (ID, OPT,
 * truncation to the client's size) and sends. A second write is ignored.
 */
export abstract class ServerWriter implements ResponseWriter {
  written = false;
  constructor(readonly req: Request) {}

  write(msg: Buffer): void {
    if (this.written) return;
    this.written = true;
    this.send(fitReply(this.req, msg));
  }

  protected abstract send(msg: Buffer): void;
}

export class UdpWriter extends ServerWriter {
  constructor(
    req: Request,
    private readonly via: UdpEndpoint,
    private readonly to: Remote,
  ) {
    super(req);
  }
  protected send(msg: Buffer): void {
    this.via.send(msg, this.to);
  }
}

/** Anything that takes a framed TCP reply: the connection, or a collector in process. */
export interface FrameSink {
  sendFrame(msg: Buffer): void;
}

export class TcpWriter extends ServerWriter {
  constructor(
    req: Request,
    private readonly sink: FrameSink,
  ) {
    super(req);
  }
  protected send(msg: Buffer): void {
    this.sink.sendFrame(msg);
  }
}
