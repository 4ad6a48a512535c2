import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';

/** The `debug` handler: passes every query on, for now. */
export function createDebug(): Handler {
  return {
    name: 'debug',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      return next(req, w);
    },
  };
}
