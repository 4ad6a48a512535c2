import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';

/** The `k8s_external` handler: passes every query on, for now. */
export function createK8sExternal(): Handler {
  return {
    name: 'k8s_external',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      return next(req, w);
    },
  };
}
