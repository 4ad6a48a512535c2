import type { BlockView, Logger, Request } from '@chaindns/core';
import { type CompiledExpr, ExprError, queryFunctions } from '@chaindns/core/expr';

/** CoreDNS's functions of a query (its expression.DefaultEnv), on the Request itself. */
export const VIEW_FUNCTIONS = queryFunctions((req: Request) => req);

/** How often an expression that fails per query is logged: once per this many milliseconds, with the count. */
const LOG_EVERY_MS = 10_000;

/**
 * The view of a server block: it takes a query when every expression is
 * `true` for it. A value other than `true` is false, and so is an expression
 * that fails on the query (as CoreDNS's Filter); the failure is logged, at
 * most once per 10 seconds and expression, with how many there were.
 */
export function createView(name: string, exprs: readonly CompiledExpr<Request>[], log: Logger): BlockView {
  const failures = exprs.map((e) => new FailureLog(e.source, log));
  return {
    name,
    accept(req: Request): boolean {
      for (let i = 0; i < exprs.length; i++) {
        try {
          if (exprs[i]!.evaluate(req) !== true) return false;
        } catch (err) {
          if (!(err instanceof ExprError)) throw err;
          failures[i]!.add(req, err);
          return false;
        }
      }
      return true;
    },
  };
}

/** One expression's failures, logged now and then: a failing expression fails on every query. */
class FailureLog {
  private count = 0;
  private last = -Infinity;

  constructor(
    private readonly source: string,
    private readonly log: Logger,
  ) {}

  add(req: Request, err: ExprError): void {
    this.count++;
    const now = Date.now();
    if (now - this.last < LOG_EVERY_MS) return;
    this.log.error(`expr ${JSON.stringify(this.source)} failed on ${req.qname} ${req.qtypeName} from ${req.remote.address} (${this.count} since last said): ${err.message}; the view does not take such queries`);
    this.last = now;
    this.count = 0;
  }
}
