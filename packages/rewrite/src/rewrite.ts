import { deriveRequest, errorReply, type Handler, type Logger, type Next, PluginError, type Result, type Settled, settleNext, unwrittenRcode } from '@chaindns/core';
import type { Resolve } from './cname.js';
import type { RuleConfig } from './config.js';
import { QueryState } from './query-state.js';
import { RewriteWriter } from './reply-writer.js';
import { compileRule } from './request-rules.js';
import { rewrittenQuery } from './rewritten-query.js';

export interface RewriteOptions {
  /** The rules, in the order they are tried. */
  readonly rules: readonly RuleConfig[];
  /** Asks the server's own chain for a name: what cname rules look their new target up with. */
  readonly resolve?: Resolve;
  /** Where a failed cname lookup is logged. */
  readonly log?: Logger;
}

/**
 * CoreDNS's rewrite: each rule in turn may rewrite the query (name, type,
 * class, EDNS0 options) and ask something of the reply (names, values, TTLs,
 * rcode, options put back); a rule that applies ends the list unless it is
 * `continue`. A rewritten query goes on as a new Request built from its
 * bytes; the reply comes back through a writer that gives the client its
 * own question and what the rules asked. A query no rule applies to passes
 * on untouched.
 */
export function createRewrite(options: RewriteOptions): Handler {
  const rules = options.rules.map(compileRule);
  const q = new QueryState();
  const resolve = options.resolve ?? null;
  const log = options.log ?? null;
  return {
    name: 'rewrite',
    serveDNS(req, w, next): Result {
      q.reset(req);
      let applied = false;
      for (const rule of rules) {
        if (!rule.apply(q)) continue;
        applied = true;
        if (rule.stop) break;
      }
      if (!applied) return next(req, w);
      const query = q.changed ? deriveRequest(req, rewrittenQuery(req, q)) : req;
      if (!q.questionChanged && q.response === null && q.echo === null) return next(query, w);
      return serve(new RewriteWriter(w, req, query, q, resolve, log), next);
    },
  };
}

/** Runs the rest of the chain on the rewritten query; with a cname rule, until the client's reply is written. */
function serve(writer: RewriteWriter, next: Next): Result {
  const result = writer.rcodes.length > 0 ? settleNext(next, writer.query, writer, writeUnwritten, writer, null) : next(writer.query, writer);
  if (writer.cnames.length === 0) return result;
  return typeof result === 'number' ? written(writer, result) : result.then((rcode) => written(writer, rcode));
}

function written(writer: RewriteWriter, rcode: number): Result {
  return writer.pending ? writer.pending.then(() => rcode) : rcode;
}

/**
 * A chain that ended without writing gets its error reply written here, through
 * the writer, so rcode rules apply to it (CoreDNS's serveWithResponseReverter);
 * a crash is left to the server.
 */
const writeUnwritten: Settled<RewriteWriter, null> = (req, rcode, writer, _none, error) => {
  if (writer.written || (error !== undefined && !(error instanceof PluginError))) return;
  writer.write(errorReply(req.msg, req.questionEnd, unwrittenRcode(rcode), req.edns));
};
