import { BlockList, isIP } from 'node:net';
import { errorReply, type Handler, type Logger, matchZone, type Next, NO_REPLY, Rcode, type Request, type ResponseWriter, type Result, withExtendedError } from '@chaindns/core';
import type { AclMetrics } from './metrics.js';
import type { AclAction, AclRule } from './setup.js';

export interface AclOptions {
  readonly rules: readonly AclRule[];
  readonly metrics: AclMetrics;
  readonly log: Logger;
}

/** RFC 8914's INFO-CODEs CoreDNS puts in its block and filter replies. */
const EDE_BLOCKED = 15;
const EDE_FILTERED = 17;

interface Policy {
  readonly action: AclAction;
  readonly qtypes: ReadonlySet<number> | null;
  readonly nets: BlockList | null;
}

/**
 * The `acl` handler: the first rule whose zones hold the name decides by the
 * first of its policies that matches the query's type and source address;
 * `allow`, or no rule deciding, passes the query on.
 */
export function createAcl(options: AclOptions): Handler {
  const { metrics, log } = options;
  const rules = options.rules.map((r) => ({ zones: r.zones, policies: r.policies.map(compile) }));
  return {
    name: 'acl',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      for (const rule of rules) {
        const zone = matchZone(rule.zones, req.qname);
        if (zone === null) continue;
        const action = decide(rule.policies, req, log);
        if (action === 'allow') break;
        if (action === 'drop') {
          metrics.dropped.inc({ server: req.server, zone, view: req.view });
          return NO_REPLY;
        }
        if (action === 'block') {
          w.write(withExtendedError(errorReply(req.msg, req.questionEnd, Rcode.REFUSED, req.edns), EDE_BLOCKED));
          metrics.blocked.inc({ server: req.server, zone, view: req.view });
          return Rcode.NOERROR;
        }
        if (action === 'filter') {
          w.write(withExtendedError(errorReply(req.msg, req.questionEnd, Rcode.NOERROR, req.edns), EDE_FILTERED));
          metrics.filtered.inc({ server: req.server, zone, view: req.view });
          return Rcode.NOERROR;
        }
      }
      metrics.allowed.inc({ server: req.server, view: req.view });
      return next(req, w);
    },
  };
}

function compile(p: AclRule['policies'][number]): Policy {
  let nets: BlockList | null = null;
  if (p.nets) {
    nets = new BlockList();
    for (const n of p.nets) {
      const [address, prefix] = n.split('/') as [string, string];
      nets.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }
  return { action: p.action, qtypes: p.qtypes ? new Set(p.qtypes) : null, nets };
}

/** The action of the first policy matching the query, or null. An unreadable source address is blocked, as CoreDNS does. */
function decide(policies: readonly Policy[], req: Request, log: Logger): AclAction | null {
  const raw = req.remote.address;
  const scope = raw.indexOf('%');
  const address = scope < 0 ? raw : raw.slice(0, scope);
  const family = isIP(address);
  if (family === 0) {
    log.error(`Blocking request. Unable to parse source address: ${raw}`);
    return 'block';
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const p of policies) {
    if (p.qtypes && !p.qtypes.has(req.qtype)) continue;
    if (p.nets && !p.nets.check(address, type)) continue;
    return p.action;
  }
  return null;
}
