import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';
import { hasOption, NSID, setOption } from './edns-option.js';

/**
 * Adds the NSID option (RFC 5001) with `data` to the reply of every query
 * that asks for it with an empty NSID option; other queries pass untouched.
 */
export function createNsid(options: { readonly data: string }): Handler {
  const data = Buffer.from(options.data);
  return {
    name: 'nsid',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const edns = req.edns;
      if (edns === null || req.optAt < 0 || !hasOption(req.msg, req.optAt, NSID)) return next(req, w);
      return next(req, { write: (msg) => w.write(setOption(msg, NSID, data, edns)) });
    },
  };
}
