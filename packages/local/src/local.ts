import { type Answer, type Handler, type Next, QType, Rcode, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';

/** The TTL of every record local answers with (a week), as CoreDNS. */
const TTL = 604800;
/** The zones local holds, longest suffix first does not matter: none is inside another. */
const ZONES = ['localhost.', '0.in-addr.arpa.', '127.in-addr.arpa.', '255.in-addr.arpa.'] as const;
const LOCALHOST = 'localhost.';
const LOOPBACK_PTR = '1.0.0.127.in-addr.arpa.';

export interface LocalOptions {
  /** `localhost_prefix on`: `localhost.<domain>` names answer as `.localhost.` ones do. */
  readonly localhostPrefix: boolean;
  /** Counts each `.localhost.` (and legacy `localhost.<domain>`) query: `coredns_local_localhost_requests_total`. */
  readonly onLocalhost?: (req: Request) => void;
}

function soa(owner: string): Answer {
  return { name: owner, type: 'SOA', class: 'IN', ttl: TTL, data: { mname: 'localhost.', rname: 'root.localhost.', serial: 1, refresh: 0, retry: 0, expire: 0, minimum: TTL } };
}

/** A (127.0.0.1) or AAAA (::1) for `owner` when the query asks for one, else null. */
function loopback(req: Request, owner: string): Answer | null {
  if (req.qtype === QType.A) return { name: owner, type: 'A', class: 'IN', ttl: TTL, data: '127.0.0.1' };
  if (req.qtype === QType.AAAA) return { name: owner, type: 'AAAA', class: 'IN', ttl: TTL, data: '::1' };
  return null;
}

/**
 * Answers names under `.localhost.` (and `localhost.<domain>` with
 * localhostPrefix) with loopback addresses, and the zones localhost,
 * 0.in-addr.arpa, 127.in-addr.arpa and 255.in-addr.arpa as CoreDNS's local:
 * mostly empty, with `localhost.` A/AAAA/NS/SOA and the PTR of 127.0.0.1.
 * Anything else goes on.
 */
export function createLocal(options: LocalOptions): Handler {
  return {
    name: 'local',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const name = req.qname;
      const special = name.length > LOCALHOST.length && (name.endsWith('.localhost.') || (options.localhostPrefix && name.startsWith(LOCALHOST)));
      if (special) {
        options.onLocalhost?.(req);
        const a = loopback(req, req.qnameRaw);
        // As CoreDNS: NODATA's SOA is owned by the name asked, not the zone.
        w.write(reply(req, a ? { answers: [a] } : { authorities: [soa(req.qnameRaw)] }));
        return 0;
      }
      const zone = ZONES.find((z) => name === z || name.endsWith(`.${z}`));
      if (zone === undefined) return next(req, w);
      // The zone as the client spelled it.
      const zoneRaw = req.qnameRaw.slice(req.qnameRaw.length - zone.length);
      w.write(reply(req, answer(req, zone, zoneRaw)));
      return 0;
    },
  };
}

function answer(req: Request, zone: string, zoneRaw: string): Parameters<typeof reply>[1] {
  const owner = req.qnameRaw;
  if (req.qname === zone) {
    if (req.qtype === QType.SOA) return { answers: [soa(owner)] };
    if (req.qtype === QType.NS) return { answers: [{ name: owner, type: 'NS', class: 'IN', ttl: TTL, data: 'localhost.' }] };
    const a = zone === LOCALHOST ? loopback(req, owner) : null;
    return a ? { answers: [a] } : { authorities: [soa(owner)] };
  }
  if (req.qname === LOOPBACK_PTR) {
    if (req.qtype === QType.PTR) return { answers: [{ name: owner, type: 'PTR', class: 'IN', ttl: TTL, data: 'localhost.' }] };
    return { authorities: [soa(zoneRaw)] };
  }
  return { rcode: Rcode.NXDOMAIN, authorities: [soa(zoneRaw)] };
}
