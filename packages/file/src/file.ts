import { fallsThrough, type Handler, type Logger, type Next, NO_REPLY, Opcode, QClass, QType, Rcode, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { readAnswer } from './external.js';
import { Lookup, type Outcome, outcomeRcode, Result as Found } from './lookup.js';
import { MessageWriter } from './message.js';
import { isPlainSoa, sendNegative } from './negative.js';
import { wireNameHash } from './name-hash.js';
import { ReplyIndex, sendReply } from './reply-cache.js';
import type { Zone } from './zone.js';
import type { ZoneSet } from './zone-set.js';

export interface FileOptions {
  readonly zones: ZoneSet;
  /** `fallthrough` zones; null when off. */
  readonly fallthrough: readonly string[] | null;
  /** Looks a name up through the server (ctx.resolve), for CNAME targets outside our zones. */
  readonly resolve: (qname: string, qtype: number, via: Request) => Promise<Buffer>;
  /** Nothing follows `file` in the chain: a name outside its zones gets REFUSED (CoreDNS's file without a next plugin). */
  readonly last: boolean;
  readonly log: Logger;
}

/**
 * CoreDNS's file handler: authoritative answers from the zones in `zones`.
 * A question for a name the zone holds is answered from the reply encoded at
 * its first asking (see reply-cache.ts); others are looked up and encoded anew.
 */
export function createFile(options: FileOptions): Handler {
  const { zones, fallthrough, resolve, last, log } = options;
  const lookup = new Lookup(zones);
  const replies = new ReplyIndex(() => zones.generation);

  /**
   * Writes the outcome (or passes on, or fails). `keep` says where to keep
   * the reply (the name's hash, the zones' generation when the lookup began),
   * or is null when it is not kept: the name is not in the zone, or the
   * answer came through the server.
   */
  function respond(req: Request, w: ResponseWriter, next: Next, zone: Zone, outcome: Outcome, keep: { hash: number; generation: number } | null): Result {
    const { result, answer } = outcome;
    if (answer.length === 0 && (result === Found.NXDOMAIN || result === Found.ENT) && fallsThrough(fallthrough, req.qname)) {
      if (keep !== null) replies.keep(req, keep.hash, null, keep.generation);
      return next(req, w);
    }
    // SERVFAIL without records is the server's to write; with them (a CNAME whose target failed) it is ours (RFC 6604 3).
    if (result === Found.SERVFAIL && answer.length === 0) return Rcode.SERVFAIL;
    const rcode = outcomeRcode(outcome);
    // A referral is not authoritative; an answer that leads to one (a CNAME into a delegation) still is.
    const aa = result !== Found.DELEGATION || answer.length > 0;
    // A negative answer without DO for a name not kept: the zone's encoded SOA, patched.
    if (keep === null && answer.length === 0 && outcome.extra.length === 0 && !req.do && isPlainSoa(zone, outcome.ns) && sendNegative(zone, req, w, rcode)) return Rcode.NOERROR;
    const writer = new MessageWriter(req.msg, req.questionEnd).to(0).parts(answer).to(1).parts(outcome.ns).to(2).parts(outcome.extra);
    if (keep === null) {
      w.write(writer.finish(aa, rcode, req.edns));
    } else {
      const msg = writer.finish(aa, rcode);
      replies.keep(req, keep.hash, msg, keep.generation);
      sendReply(req, w, msg);
    }
    return Rcode.NOERROR;
  }

  /** Looks up the names the answer needs through the server, then writes it (never cached). */
  async function pending(req: Request, w: ResponseWriter, next: Next, zone: Zone, outcome: Outcome): Promise<number> {
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
    return respond(req, w, next, zone, o, null);
  }

  return {
    name: 'file',
    serveDNS(req, w, next) {
      // Only IN data is held here: other classes are someone else's.
      if (req.qclass !== QClass.IN) return next(req, w);
      const qname = req.qname;
      const slot = zones.slot(qname);
      if (slot === null) return last ? Rcode.REFUSED : next(req, w);
      // A zone read from a file has no primary to refresh from: a NOTIFY for it is dropped, as CoreDNS's file does.
      if (req.opcode === Opcode.NOTIFY) {
        log.info(`Dropping notify from ${req.remote.address} for ${slot.origin}`);
        return NO_REPLY;
      }
      const zone = slot.zone;
      if (zone === null || zone.soa === null) return Rcode.SERVFAIL;
      // Replies are kept for names the zone holds only: one the filter turns away has none.
      const hash = wireNameHash(req.msg, 12, req.nameEnd);
      const mayHold = zone.filter.mayHold(hash);
      const kept = mayHold ? replies.find(req, hash) : undefined;
      if (kept !== undefined) {
        if (kept.pass) return next(req, w);
        sendReply(req, w, kept.msg);
        return Rcode.NOERROR;
      }
      const qtype = req.qtype;
      // Zone transfers are the transfer plugin's; without it they are refused, as in CoreDNS.
      if (qtype === QType.AXFR || qtype === QType.IXFR) return Rcode.REFUSED;
      const generation = zones.generation;
      const held = mayHold && zone.names.has(qname, hash);
      const outcome = lookup.run(zone, qname, qtype, req.do, !held);
      if (outcome.pending) return pending(req, w, next, zone, outcome);
      // A reply for a name the zone holds is kept: there are as many as the zone has names (and types asked).
      return respond(req, w, next, zone, outcome, held ? { hash, generation } : null);
    },
  };
}
