import { deriveRequest, findOpt, fitReply, type Handler, type Next, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/** Fits every reply to the capped size, as CoreDNS does (its scrub writer reads the request bufsize changed). */
class CappedWriter implements ResponseWriter {
  constructor(
    private readonly w: ResponseWriter,
    private readonly req: Request,
  ) {}

  write(msg: Buffer): void {
    this.w.write(fitReply(this.req, msg));
  }
}

/**
 * Lowers a query's EDNS0 UDP size to `size` when it asks for more: the rest
 * of the chain (forward's upstream query included) sees the capped size, and
 * a UDP answer larger than it is truncated (TC), so the client retries over
 * TCP instead of receiving a fragmented datagram. Queries without an OPT, or
 * asking for less, pass untouched (CoreDNS's bufsize).
 */
export function createBufsize(size: number): Handler {
  return {
    name: 'bufsize',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.edns === null || req.edns.udpSize <= size) return next(req, w);
      const msg = Buffer.from(req.msg);
      // OPT's CLASS field (after its root name and TYPE) is the UDP size.
      msg.writeUInt16BE(size, findOpt(msg) + 3);
      const capped = deriveRequest(req, msg);
      return next(capped, new CappedWriter(w, capped));
    },
  };
}
