import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';
import { epochMs } from './address.js';
import type { Tap } from './tap.js';

/**
 * The `dnstap` handler of a block: CLIENT_QUERY to every tap as a query
 * comes in, CLIENT_RESPONSE as each reply is written (before it is fitted to
 * the client's transport, as the answering plugin wrote it). Tapping only
 * encodes into a queue: the query never waits for the receiver.
 */
export function createDnstap(taps: readonly Tap[]): Handler {
  return {
    name: 'dnstap',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const at = epochMs();
      for (const t of taps) t.clientQuery(req, at);
      return next(req, new TapWriter(taps, req, at, w));
    },
  };
}

/** Taps every reply written through it (a zone transfer writes many), then passes it on. */
class TapWriter implements ResponseWriter {
  constructor(
    private readonly taps: readonly Tap[],
    private readonly req: Request,
    private readonly at: number,
    private readonly w: ResponseWriter,
  ) {}

  write(msg: Buffer): void {
    // Encoded first: the writer after this one owns `msg` and may patch it.
    for (const t of this.taps) t.clientResponse(this.req, this.at, msg);
    this.w.write(msg);
  }
}
