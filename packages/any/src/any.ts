import { type Handler, type Next, QType, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/** RFC 8482's TTL for the HINFO that stands in for an ANY answer, as CoreDNS. */
const TTL = 8482;

/** Answers every ANY query with RFC 8482's short HINFO; passes anything else on (CoreDNS's any). */
export function createAny(): Handler {
  return {
    name: 'any',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qtype !== QType.ANY) return next(req, w);
      w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'HINFO', class: 'IN', ttl: TTL, data: { cpu: 'ANY obsoleted', os: 'See RFC 8482' } }] }));
      return 0;
    },
  };
}
