import { fallsThrough, type Handler, type Next, QClass, QType, Rcode, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { readAnswer } from './external.js';
import { Lookup, type Outcome, Result as Found } from './lookup.js';
import { MessageWriter } from './message.js';
import { cachedReply, type CachedReply, keepReply, replyKey, sendReply } from './reply-cache.js';
import type { Node } from './zone.js';
import type { ZoneSet } from './zone-set.js';

export interface FileOptions {
  readonly zones: ZoneSet;
  /** `fallthrough` zones; null when off. */
  readonly fallthrough: readonly string[] | null;
  /** Looks a name up through the server (ctx.resolve), for CNAME targets outside our zones. */
  readonly resolve: (qname: string, qtype: number, via: Request) => Promise<Buffer>;
  /** Nothing follows `file` in the chain: a name outside its zones gets REFUSED (CoreDNS's file without a next plugin). */
  readonly last: boolean;
}

const PASS: CachedReply = Object.freeze({ key: -1, generation: -1, flags: 0, an: 0, ns: 0, ar: 0, body: Buffer.alloc(0), pass: true });

/**
 * CoreDNS's file handler: authoritative answers from the zones in `zones`.
 * A query for a name the zone holds is answered from bytes encoded at its
 * first query (see reply-cache.ts); others are looked up and encoded anew.
 */
export function createFile(options: FileOptions): Handler {
  const { zones, fallthrough, resolve, last } = options;
  const lookup = new Lookup(zones);

  /** Writes the outcome (or passes on, or fails), keeping the encoded reply on `node` when given. */
  function respond(req: Request, w: ResponseWriter, next: Next, outcome: Outcome, node: Node | null, key: number, generation: number): Result {
    const { result, answer } = outcome;
    if (answer.length === 0 && (result === Found.NXDOMAIN || result === Found.ENT) && fallsThrough(fallthrough, req.qname)) {
      if (node) keepReply(node, { ...PASS, key, generation });
      return next(req, w);
    }
    // SERVFAIL without records is the server's to write; with them (a CNAME whose target failed) it is ours (RFC 6604 3).
    if (result === Found.SERVFAIL && answer.length === 0) return Rcode.SERVFAIL;
    const rcode = result === Found.NXDOMAIN ? Rcode.NXDOMAIN : result === Found.SERVFAIL ? Rcode.SERVFAIL : Rcode.NOERROR;
    // A referral is not authoritative; an answer that leads to one (a CNAME into a delegation) still is.
    const aa = result !== Found.DELEGATION || answer.length > 0;
    const built = new MessageWriter(req.msg, req.questionEnd).to(0).parts(answer).to(1).parts(outcome.ns).to(2).parts(outcome.extra).finish(aa, rcode);
    if (node) keepReply(node, { ...built, key, generation, pass: false });
    sendReply(req, w, built);
    return Rcode.NOERROR;
  }

  /** Looks up the names the answer needs through the server, then writes it (never cached). */
  async function pending(req: Request, w: ResponseWriter, next: Next, outcome: Outcome): Promise<number> {
    let o = outcome;
    while (o.pending) {
      const p = o.pending;
      let found: ReturnType<typeof readAnswer>;
      try {
        found = readAnswer(await resolve(p.target, p.qtype, req));
      } catch {
        found = { rcode: Rcode.SERVFAIL, answer: [] };
      }
      o = p.finish(found.rcode, found.answer);
    }
    return respond(req, w, next, o, null, 0, 0);
  }

  return {
    name: 'file',
    serveDNS(req, w, next) {
      // Only IN data is held here: other classes are someone else's.
      if (req.qclass !== QClass.IN) return next(req, w);
      const qname = req.qname;
      const slot = zones.slot(qname);
      if (slot === null) return last ? Rcode.REFUSED : next(req, w);
      const zone = slot.zone;
      if (zone === null || zone.soa === null) return Rcode.SERVFAIL;
      const qtype = req.qtype;
      // Zone transfers are the transfer plugin's; without it they are refused, as in CoreDNS.
      if (qtype === QType.AXFR || qtype === QType.IXFR) return Rcode.REFUSED;
      const dnssec = req.do;
      const generation = zones.generation;
      const key = replyKey(qtype, dnssec);
      const node = zone.names.get(qname) ?? null;
      if (node !== null) {
        const hit = cachedReply(node, key, generation);
        if (hit !== undefined) {
          if (hit.pass) return next(req, w);
          sendReply(req, w, hit);
          return Rcode.NOERROR;
        }
      }
      const outcome = lookup.run(zone, qname, qtype, dnssec);
      if (outcome.pending) return pending(req, w, next, outcome);
      return respond(req, w, next, outcome, node, key, generation);
    },
  };
}
