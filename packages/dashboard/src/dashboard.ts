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
 * The `dashboard` handler: counts every query. While a page is open, one in
 * `live.every` (every query below SAMPLES_PER_SECOND a second) is sampled:
 * timed, and noted how it ended. Every other query passes on untouched unless
 * the search-path classifier wants it (a name under the cluster domain, or a
 * client in the middle of a search).
 */
export function createDashboard(live: Live): Handler {
  // Made once, so that a query allocates no closure.
  const sampled: Settled<Seen, number> = (req, rcode, seen, start) => live.sample(req, outcome(seen, rcode), (performance.now() - start) / 1000);
  const classified: Settled<Seen, null> = (req, rcode, seen) => live.observe(req, outcome(seen, rcode));
  return {
    name: 'dashboard',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      live.queries++;
      const sample = live.watching && live.takeSample();
      if (!sample && !live.classifier.wants(req)) return next(req, w);
      const own = writtenReply(w);
      const seen = own ?? new RcodeWriter(w);
      const out = own ? w : (seen as RcodeWriter);
      if (!sample) return settleNext(next, req, out, classified, seen, null);
      return settleNext(next, req, out, sampled, seen, performance.now());
    },
  };
}
