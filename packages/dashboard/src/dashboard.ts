import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';

/** The `dashboard` handler: passes every query on, for now. */
export function createDashboard(): Handler {
  return {
    name: 'dashboard',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      return next(req, w);
    },
  };
}
