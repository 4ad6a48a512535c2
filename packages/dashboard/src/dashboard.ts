// The module's, not the global `performance`: in Node.js 20 that is a lazy getter, run on every read.
import { performance } from 'node:perf_hooks';
import { type Handler, type Next, type Request, type ResponseWriter, type Result, settleNext, type Settled, unwrittenRcode, writtenReply } from '@chaindns/core';
import type { Live } from './live.js';

/** Notes the rcode of the first reply, for a chain whose writer a plugin before has wrapped. */
class RcodeWriter implements ResponseWriter {
  rcode = -1;

  constructor(private readonly w: ResponseWriter) {}

  write(msg: Buffer): void {
    if (this.rcode < 0) this.rcode = msg[3]! & 0x0f;
    this.w.write(msg);
  }
}

/** Who keeps the rcode the client got: the server's own writer, or ours around another. */
type Seen = { readonly rcode: number };

/** The rcode the client got: the one written, or what the server writes for an unwritten one. */
function outcome(seen: Seen, rcode: number): number {
  return seen.rcode >= 0 ? seen.rcode : unwrittenRcode(rcode);
}

/**
 * The `dashboard` handler: counts every query; while nobody watches it passes
 * on all but the queries the search-path classifier wants (those under the
 * cluster domain, or from a client in the middle of a search), and while a
 * page is open it times each query and notes how it ended.
 */
export function createDashboard(live: Live): Handler {
  // Made once, so that a query allocates no closure.
  const watched: Settled<Seen, number> = (req, rcode, seen, start) => live.record(req, outcome(seen, rcode), (performance.now() - start) / 1000);
  const classified: Settled<Seen, null> = (req, rcode, seen) => live.observe(req, outcome(seen, rcode));
  return {
    name: 'dashboard',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      live.queries++;
      if (!live.watching && !live.classifier.wants(req.remote.address, req.msg, req.nameEnd)) return next(req, w);
      const own = writtenReply(w);
      const seen = own ?? new RcodeWriter(w);
      const out = own ? w : (seen as RcodeWriter);
      if (live.watching) return settleNext(next, req, out, watched, seen, performance.now());
      return settleNext(next, req, out, classified, seen, null);
    },
  };
}
