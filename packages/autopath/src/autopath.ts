import { type Handler, isSubdomain, matchZone, type Next, Rcode, rcodeOf, type Request, type ResponseWriter, type Result, type SearchPathProvider } from '@chaindns/core';
import { answerTo } from './cname.js';
import { baseEnd, searchQuery } from './search-query.js';

export interface AutopathOptions {
  /** The zones autopath works in (lowercased FQDNs). */
  readonly zones: readonly string[];
  /** Each client's search path: a resolv.conf's, or another plugin's (`@kubernetes`). */
  readonly provider: SearchPathProvider;
  /** Counts a query answered through its search path (`coredns_autopath_success_total`). */
  readonly success: (server: string) => void;
}

/**
 * The autopath handler, as CoreDNS's: a query for a name under the first
 * domain of its client's search path (what a resolver with `ndots:5` asks
 * first for `nginx`: `nginx.default.svc.cluster.local.`) is asked again
 * through the rest of the chain with each search domain in turn, then the
 * bare name, and the first reply that is not NXDOMAIN answers the client
 * (under a CNAME from the name it asked, when it is for another name). When
 * all are NXDOMAIN, the first reply goes back and the client searches on.
 * Any other query passes on untouched.
 */
export function createAutopath(opts: AutopathOptions): Handler {
  return {
    name: 'autopath',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (matchZone(opts.zones, req.qname) === null) return next(req, w);
      const path = opts.provider.searchPath(req);
      // No path, or no search domain in it (only the bare name): nothing to complete.
      const first = path?.[0];
      if (path === null || first === undefined || first === '.' || !isSubdomain(req.qname, first)) return next(req, w);
      const base = baseEnd(req, first);
      if (base < 0) return next(req, w);
      return search(req, w, next, path, base, opts.success);
    },
  };
}

/** Keeps the first reply the rest of the chain writes for one search domain (CoreDNS's nonwriter). */
class Capture implements ResponseWriter {
  msg: Buffer | null = null;
  write(msg: Buffer): void {
    this.msg ??= msg;
  }
}

/** False for the rcodes a chain returns without writing them (CoreDNS's plugin.ClientWrite). */
function clientWrite(rcode: number): boolean {
  return rcode !== Rcode.SERVFAIL && rcode !== Rcode.REFUSED && rcode !== Rcode.FORMERR && rcode !== Rcode.NOTIMP;
}

async function search(req: Request, w: ResponseWriter, next: Next, path: readonly string[], base: number, success: (server: string) => void): Promise<number> {
  let firstReply: Buffer | null = null;
  let firstRcode: number = Rcode.SERVFAIL;
  for (let i = 0; i < path.length; i++) {
    // The first domain is the one the client asked for: its own query goes on as it is.
    const query = i === 0 ? req : searchQuery(req, base, path[i]!);
    if (query === null) continue;
    const capture = new Capture();
    const rcode = await next(query, capture);
    const msg = capture.msg;
    if (i === 0) {
      firstReply = msg;
      firstRcode = rcode;
    }
    if (!clientWrite(rcode) || msg === null || rcodeOf(msg) === Rcode.NXDOMAIN) continue;
    // The answer is the one the search domain's query got: its plugin is the one that answered (metrics' label).
    req.plugin = query.plugin;
    w.write(i === 0 ? msg : answerTo(req, msg));
    success(req.server);
    return rcode;
  }
  if (clientWrite(firstRcode) && firstReply !== null) w.write(firstReply);
  return firstRcode;
}
