import { type Handler, type Logger, type Next, NO_REPLY, Opcode, QClass, Rcode, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { createFile, type ZoneSet } from '@chaindns/file';

/** What the handler asks of a zone's keeper (ZoneKeeper). */
export interface NotifyTarget {
  isPrimary(address: string): boolean;
  notify(): void;
}

export interface SecondaryOptions {
  readonly zones: ZoneSet;
  /** Each zone's keeper, by origin. */
  readonly keepers: ReadonlyMap<string, NotifyTarget>;
  /** `fallthrough` zones; null when off. */
  readonly fallthrough: readonly string[] | null;
  /** Looks a name up through the server, for CNAME targets outside the zones. */
  readonly resolve: (qname: string, qtype: number, via: Request) => Promise<Buffer>;
  /** Nothing follows in the chain: a name outside the zones gets REFUSED. */
  readonly last: boolean;
  readonly log: Logger;
}

/**
 * CoreDNS's secondary: the zones answered as `file` answers them (its
 * handler, over the zones transferred in), and a NOTIFY from a zone's
 * primary answered and followed by a check of its serial. A NOTIFY from
 * anywhere else is dropped without an answer, as CoreDNS does.
 */
export function createSecondary(options: SecondaryOptions): Handler {
  const { zones, keepers, last, log } = options;
  const file = createFile(options);

  function notified(req: Request, w: ResponseWriter, next: Next): Result {
    const slot = req.qclass === QClass.IN ? zones.slot(req.qname) : null;
    if (slot === null) return last && req.qclass === QClass.IN ? Rcode.REFUSED : next(req, w);
    const from = req.remote.address;
    const keeper = keepers.get(slot.origin)!;
    if (!keeper.isPrimary(from)) {
      log.info(`Dropping notify from ${from} for ${slot.origin}`);
      return NO_REPLY;
    }
    w.write(reply(req, { authoritative: true }));
    log.info(`Notify from ${from} for ${slot.origin}: checking transfer`);
    keeper.notify();
    return Rcode.NOERROR;
  }

  return {
    name: 'secondary',
    serveDNS(req, w, next) {
      return req.opcode === Opcode.NOTIFY ? notified(req, w, next) : file.serveDNS(req, w, next);
    },
  };
}
