import { type Next, type ResponseWriter, type Result, thrownRcode } from './plugin.js';
import type { Request } from './wire/request.js';

/** Told how the rest of the chain ended; `error` is the thrown value when it threw or rejected. */
export type Settled<A, B> = (req: Request, rcode: number, a: A, b: B, error?: unknown) => void;

/**
 * Calls `next(req, w)` and then `settled` once the chain's rcode is known: at
 * once when it returns a number, when its promise settles otherwise. A throw
 * or rejection settles with `thrownRcode(err)` and is passed on unchanged, so
 * a synchronous chain stays synchronous. `a` and `b` ride along so a caller on
 * the hot path passes a function made once, not a closure per query.
 */
export function settleNext<A, B>(next: Next, req: Request, w: ResponseWriter, settled: Settled<A, B>, a: A, b: B): Result {
  let result: Result;
  try {
    result = next(req, w);
  } catch (err) {
    settled(req, thrownRcode(err), a, b, err);
    throw err;
  }
  if (typeof result === 'number') {
    settled(req, result, a, b);
    return result;
  }
  return result.then(
    (rcode) => {
      settled(req, rcode, a, b);
      return rcode;
    },
    (err: unknown) => {
      settled(req, thrownRcode(err), a, b, err);
      throw err;
    },
  );
}
