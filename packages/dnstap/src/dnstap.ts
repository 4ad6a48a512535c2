import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';

/** The `dnstap` handler: passes every query on, for now. */
export function createDnstap(): Handler {
  return {
    name: 'dnstap',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      return next(req, w);
    },
  };
}
