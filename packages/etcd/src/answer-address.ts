import { type Answer, isSubdomain, lowerName, QType } from '@chaindns/core';
import { type Backend, records } from './backend.js';
import { BackendFailure, NotFound } from './errors.js';
import type { Part } from './parts.js';
import { answerName, fqdn, type Service, split255 } from './service.js';

/** CoreDNS's maxCnameChainLength: a chain longer than this is cut. */
const MAX_CHAIN = 10;

const all = (): boolean => true;

/**
 * The records for the zone's own name live under `apex.dns.<zone>`; without
 * any there, the zone's whole subtree answers (CoreDNS's checkForApex).
 */
export function apexRecords(b: Backend, zone: string, name: string, qtype: number): readonly Service[] {
  if (name !== zone) return records(b, name, qtype, false);
  try {
    return records(b, zone === '.' ? 'apex.dns.' : `apex.dns.${zone}`, qtype, false);
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
    return records(b, name, qtype, false);
  }
}

export function cnameRecord(owner: string, s: Service): Answer {
  return { name: owner, type: 'CNAME', ttl: s.ttl, class: 'IN', data: answerName(s.host) };
}

/**
 * What to do with a record whose host is a name, asked for `qtype` under
 * `owner`: nothing (a loop, a chain too long, a target the chain has had:
 * `previous` holds its targets), follow it inside the zone with `follow`, or
 * look it up through the server.
 */
function chase(b: Backend, zone: string, owner: string, qtype: number, s: Service, previous: readonly string[], follow: (target: string, chain: string[]) => readonly Part[], truncates: boolean): Part | null {
  const target = fqdn(s.host);
  const targetLower = lowerName(target);
  // x CNAME x, or a CNAME to a name below x (the subtree's own records): a direct loop.
  if (isSubdomain(targetLower, lowerName(owner))) return null;
  const head = cnameRecord(owner, s);
  if (previous.length > MAX_CHAIN) return null;
  if (previous.includes(target)) return null;
  if (isSubdomain(targetLower, zone)) {
    try {
      return { head, parts: follow(target, [...previous, target]) };
    } catch (err) {
      if (err instanceof NotFound || err instanceof BackendFailure) return null;
      throw err;
    }
  }
  return { head, looked: b.lookup(target, qtype), keep: all, truncates };
}

/**
 * A or AAAA records for `owner` (CoreDNS's plugin.A and plugin.AAAA):
 * addresses, each once, and CNAMEs followed. Throws NotFound or
 * BackendFailure for the name itself.
 */
export function addresses(b: Backend, zone: string, owner: string, qtype: number, family: 'A' | 'AAAA', previous: readonly string[] = []): Part[] {
  const services = apexRecords(b, zone, lowerName(owner), qtype);
  const out: Part[] = [];
  const seen = new Set<string>();
  for (const s of services) {
    const what = s.hostType;
    if (what.type === 'CNAME') {
      const part = chase(b, zone, owner, qtype, s, previous, (target, chain) => addresses(b, zone, target, qtype, family, chain), true);
      if (part) out.push(part);
    } else if (what.type === family && !seen.has(s.host)) {
      seen.add(s.host);
      out.push({ name: owner, type: family, ttl: s.ttl, class: 'IN', data: what.ip });
    }
  }
  return out;
}

/** TXT records for `owner` (CoreDNS's plugin.TXT): each text once, and CNAMEs followed. */
export function texts(b: Backend, zone: string, owner: string, previous: readonly string[] = []): Part[] {
  const services = records(b, lowerName(owner), QType.TXT, false);
  const out: Part[] = [];
  const seen = new Set<string>();
  for (const s of services) {
    const what = s.hostType;
    if (what.type === 'CNAME') {
      const part = chase(b, zone, owner, QType.TXT, s, previous, (target, chain) => texts(b, zone, target, chain), false);
      if (part) out.push(part);
    } else if (what.type === 'TXT' && !seen.has(s.text)) {
      seen.add(s.text);
      out.push({ name: owner, type: 'TXT', ttl: s.ttl, class: 'IN', data: split255(s.text) });
    }
  }
  return out;
}

/** An A or AAAA record for a name made from a key (SRV, MX and NS targets that are addresses). */
export function addressRecord(name: string, s: Service): Answer {
  return { name, type: s.hostType.type === 'AAAA' ? 'AAAA' : 'A', ttl: s.ttl, class: 'IN', data: s.hostType.ip! };
}
