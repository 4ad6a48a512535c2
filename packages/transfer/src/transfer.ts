import { isSubdomain, type Handler, type Logger, type Next, QType, Rcode, type Request, type ResponseWriter, type Result, type ZoneSource } from '@chaindns/core';
import { ixfrSerial, transferMessage, transferMessages } from './messages.js';
import { sendNotify } from './notify.js';
import type { XfrConfig } from './setup.js';

export interface TransferOptions {
  readonly xfrs: readonly XfrConfig[];
  /** The block's zoneSource offers, in chain order (read at query time: they are found after setup). */
  readonly sources: () => ReadonlyArray<{ readonly directive: string; readonly value: ZoneSource }>;
  readonly log: Logger;
}

export interface TransferHandler extends Handler {
  /** Sends NOTIFY for `zone` to the secondaries of its `transfer` line (CoreDNS's Transfer.Notify). */
  notify(zone: string): Promise<void>;
}

/** The `transfer` line whose zone is the longest suffix of `name` (CoreDNS's longestMatch). */
function longestMatch(xfrs: readonly XfrConfig[], name: string): XfrConfig | null {
  let found: XfrConfig | null = null;
  let zone = '';
  for (const x of xfrs) {
    for (const z of x.zones) {
      if (isSubdomain(name, z) && (z.length > zone.length || (z.length === zone.length && z > zone))) {
        zone = z;
        found = x;
      }
    }
  }
  return found;
}

function allowed(x: XfrConfig, req: Request): boolean {
  return x.anyone || x.to.some((s) => s.host === req.remote.address);
}

/** The `transfer` handler: AXFR and IXFR (answered in full unless the client is current) over TCP from the block's zone sources. */
export function createTransfer(opts: TransferOptions): TransferHandler {
  const { xfrs, sources, log } = opts;
  return {
    name: 'transfer',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if (req.qtype !== QType.AXFR && req.qtype !== QType.IXFR) return next(req, w);
      if (req.transport !== 'tcp') return Rcode.REFUSED;
      const x = longestMatch(xfrs, req.qname);
      if (x === null) return next(req, w);
      if (!allowed(x, req)) return Rcode.REFUSED;
      let clientSerial: number | null = null;
      if (req.qtype === QType.IXFR) {
        clientSerial = ixfrSerial(req);
        if (clientSerial === null) return Rcode.SERVFAIL;
      }
      const zone = req.qname;
      for (const { value: source } of sources()) {
        const records = source.records(zone);
        if (records === null) continue;
        const serial = source.serial(zone);
        if (clientSerial !== null && clientSerial === serial) {
          // CoreDNS's IXFR: the SOA alone for a client that is current; any other serial gets the whole zone.
          const [soa] = records;
          w.write(transferMessage(req, [soa!], soa!.length));
          log.info(`Outgoing noop, incremental transfer for up to date zone "${req.qnameRaw}" to ${req.remote.address} for ${serial} SOA serial`);
          return Rcode.NOERROR;
        }
        let count = 0;
        for (const { msg, count: n } of transferMessages(req, records)) {
          w.write(msg);
          count += n;
        }
        log.info(`Outgoing transfer of ${count} records of zone "${req.qnameRaw}" to ${req.remote.address} for ${serial} SOA serial`);
        return Rcode.NOERROR;
      }
      return next(req, w);
    },
    async notify(zone: string): Promise<void> {
      const x = longestMatch(xfrs, zone);
      if (x === null) return;
      await Promise.all(
        x.to.map((to) =>
          sendNotify(zone, to, x.source).catch((err: Error) => {
            log.error(err.message);
          }),
        ),
      );
      log.debug(`Sent notifies for zone "${zone}" to ${x.to.map((t) => `${t.host}:${t.port}`).join(' ')}`);
    },
  };
}

