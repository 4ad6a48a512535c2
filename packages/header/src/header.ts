import { deriveRequest, type Handler, type Next, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { applyRules, type FlagRules } from './flags.js';

export interface HeaderOptions {
  /** Applied to the query before the rest of the chain sees it. */
  readonly query: FlagRules;
  /** Applied to every reply written through this plugin. */
  readonly response: FlagRules;
}

/** Sets and clears AA, RA and RD in queries and replies, in the wire bytes (CoreDNS's header). */
export function createHeader(options: HeaderOptions): Handler {
  const { query, response } = options;
  const rewritesQuery = query.set !== 0 || query.clear !== 0;
  const rewritesResponse = response.set !== 0 || response.clear !== 0;
  const writer = (w: ResponseWriter): ResponseWriter => ({
    write(msg) {
      if (msg.length >= 4) applyRules(msg, response);
      w.write(msg);
    },
  });
  return {
    name: 'header',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (rewritesQuery) {
        // The query's bytes are the server's: rewrite a copy (only when a bit changes).
        const msg = Buffer.from(req.msg);
        if (applyRules(msg, query)) req = deriveRequest(req, msg);
      }
      return next(req, rewritesResponse ? writer(w) : w);
    },
  };
}
