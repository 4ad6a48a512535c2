/**
 * Answers a question from a zone as CoreDNS's file plugin does (its
 * Zone.Lookup): the apex SOA and NS, referrals at zone cuts (with glue and,
 * for DO, the DS), DNAME substitution, CNAME chains followed inside the
 * zone, wildcards (RFC 4592), NODATA and NXDOMAIN with the SOA, and for DO
 * queries the RRSIGs and NSEC records the file holds.
 */
import { isSubdomain, lowerName, QClass, QType, Rcode, writeNameText } from '@chaindns/core';
import { covering } from './denial.js';
import { type Part, recordSet } from './message.js';
import { additional, aliasTarget, apexNs, glue, referral, sigs, soa, typed } from './sections.js';
import { type Node, wildcardOf, type Zone } from './zone.js';

/** How a lookup ended (CoreDNS's Result, plus ENT: an empty non-terminal, NOERROR that may fall through). */
export const Result = { SUCCESS: 0, NXDOMAIN: 1, DELEGATION: 2, NODATA: 3, SERVFAIL: 4, ENT: 5 } as const;
export type ResultValue = (typeof Result)[keyof typeof Result];

/** A name the answer needs from outside this plugin's zones, and how to finish once it is known. */
export interface Pending {
  readonly target: string;
  readonly qtype: number;
  finish(rcode: number, answer: Part[]): Outcome;
}

export interface Outcome {
  readonly result: ResultValue;
  readonly answer: Part[];
  readonly ns: Part[];
  readonly extra: Part[];
  /** Set when the answer waits for a lookup through the server (a CNAME out of the zones). */
  readonly pending?: Pending;
}

/** The zones one handler serves, for CNAME targets in another of them. */
export interface ZoneFinder {
  /** The loaded zone whose origin is the longest suffix of `name`, or null. */
  find(name: string): Zone | null;
}

/** CoreDNS gives up after this many lookups for one query (its LoopKey). */
const MAX_DEPTH = 8;

const SERVFAIL: Outcome = Object.freeze({ result: Result.SERVFAIL, answer: [], ns: [], extra: [] });

export class Lookup {
  constructor(private readonly zones: ZoneFinder) {}

  /** `qname` lowercased and inside `zone`; `absent` when the caller knows the zone does not hold it. */
  run(zone: Zone, qname: string, qtype: number, dnssec: boolean, absent = false, depth = 0): Outcome {
    if (!zone.soa || depth > MAX_DEPTH) return SERVFAIL;
    if (qname === zone.origin) {
      if (qtype === QType.SOA) return { result: Result.SUCCESS, answer: soa(zone, dnssec), ns: apexNs(zone, dnssec), extra: [] };
      if (qtype === QType.NS) {
        const ns = apexNs(zone, dnssec);
        return { result: Result.SUCCESS, answer: ns, ns: [], extra: glue(zone, ns, dnssec) };
      }
    }
    const node = absent ? undefined : zone.names.get(qname);
    if (node) return this.exact(zone, node, qname, qtype, dnssec, depth);
    const ce = zone.closestEncloser(qname);
    const redirect = zone.redirectAbove(ce) ?? (zone.isRedirect(ce) ? ce : null);
    if (redirect) return this.redirect(zone, redirect, qname, qtype, dnssec, depth);
    const wild = zone.wildcardBelow(ce);
    if (wild) return this.wildcard(zone, wild, qname, qtype, dnssec, depth);
    return this.denial(zone, qname, Result.NXDOMAIN, dnssec);
  }

  private exact(zone: Zone, node: Node, qname: string, qtype: number, dnssec: boolean, depth: number): Outcome {
    const redirect = zone.redirectAbove(node);
    if (redirect) return this.redirect(zone, redirect, qname, qtype, dnssec, depth);
    // The parent side of a cut answers DS itself (RFC 4035 3.1.4.1); anything else gets the referral.
    if (node !== zone.apex && node.get(QType.NS) && qtype !== QType.DS) return this.delegation(zone, node, [], dnssec);
    if (node.empty) return this.denial(zone, qname, Result.ENT, dnssec);
    const cname = node.get(QType.CNAME);
    if (cname && qtype !== QType.CNAME) return this.chase(zone, [{ owner: null, set: cname, covered: -1 }, ...sigs(node, QType.CNAME, dnssec, null)], aliasTarget(cname), qtype, dnssec, depth);
    const set = node.get(qtype);
    if (!set) return { result: Result.NODATA, answer: [], ns: [...soa(zone, dnssec), ...(dnssec ? typed(node, QType.NSEC, true) : [])], extra: [] };
    const answer: Part[] = [{ owner: null, set, covered: -1 }, ...sigs(node, qtype, dnssec, null)];
    return { result: Result.SUCCESS, answer, ns: apexNs(zone, dnssec), extra: additional(zone, answer, dnssec) };
  }

  private wildcard(zone: Zone, wild: Node, qname: string, qtype: number, dnssec: boolean, depth: number): Outcome {
    // A wildcard that is an empty non-terminal (`f.*.example.org` exists) still owns the name: NODATA.
    if (wild.empty) return { result: Result.NODATA, answer: [], ns: soa(zone, dnssec), extra: [] };
    const cname = wild.get(QType.CNAME);
    if (cname && qtype !== QType.CNAME) return this.chase(zone, [{ owner: null, set: cname, covered: -1 }, ...sigs(wild, QType.CNAME, dnssec, null)], aliasTarget(cname), qtype, dnssec, depth);
    const set = wild.get(qtype);
    if (!set) return { result: Result.NODATA, answer: [], ns: [...soa(zone, dnssec), ...(dnssec ? typed(wild, QType.NSEC, true) : [])], extra: [] };
    const answer: Part[] = [{ owner: null, set, covered: -1 }, ...sigs(wild, qtype, dnssec, null)];
    // With DO, the NSEC that shows no closer name exists (RFC 4035 3.1.3.3).
    const ns = dnssec ? [...apexNs(zone, true), ...covering(zone, qname).parts] : apexNs(zone, false);
    return { result: Result.SUCCESS, answer, ns, extra: additional(zone, answer, dnssec) };
  }

  /** NXDOMAIN, or NOERROR for an empty non-terminal: the SOA, and for DO the NSEC proofs. */
  private denial(zone: Zone, qname: string, result: ResultValue, dnssec: boolean): Outcome {
    const ns = soa(zone, dnssec);
    if (dnssec) {
      const deny = covering(zone, qname);
      ns.push(...deny.parts);
      if (deny.node && result === Result.NXDOMAIN) {
        // And the NSEC that denies the wildcard at the closest name with records.
        const wild = covering(zone, wildcardOf(this.closestWithRecords(zone, qname).name));
        if (wild.node && wild.node !== deny.node) ns.push(...wild.parts);
      }
    }
    return { result, answer: [], ns, extra: [] };
  }

  /** CoreDNS's ClosestEncloser: the nearest name at or above `qname` that has records, else the apex. */
  private closestWithRecords(zone: Zone, qname: string): Node {
    for (let n = zone.names.get(qname) ?? zone.closestEncloser(qname); n !== zone.apex && n.parent; n = n.parent) if (!n.empty) return n;
    return zone.apex;
  }

  private delegation(zone: Zone, cut: Node, answer: Part[], dnssec: boolean): Outcome {
    const ns = referral(cut, dnssec);
    return { result: Result.DELEGATION, answer, ns, extra: glue(zone, ns, dnssec) };
  }

  /** A zone cut or a DNAME above the name. */
  private redirect(zone: Zone, at: Node, qname: string, qtype: number, dnssec: boolean, depth: number): Outcome {
    const dname = at.get(QType.DNAME);
    if (!dname) return this.delegation(zone, at, [], dnssec);
    // RFC 6672: the part of qname below the DNAME owner, put under the target.
    const target = aliasTarget(dname);
    const prefix = at.name === '.' ? qname : qname.slice(0, qname.length - at.name.length);
    const synthesized = target === '.' ? prefix : prefix + target;
    const wire = Buffer.allocUnsafe(256);
    let end: number;
    try {
      end = writeNameText(synthesized, '.', wire, 0);
    } catch {
      return SERVFAIL;
    }
    if (lowerName(synthesized) === qname) return SERVFAIL;
    const cname: Part = { owner: null, set: recordSet(QType.CNAME, QClass.IN, dname.ttl, wire.subarray(0, end)), covered: -1 };
    const dnameParts = typed(at, QType.DNAME, dnssec);
    if (qtype === QType.CNAME) return { result: Result.SUCCESS, answer: [...dnameParts, cname], ns: apexNs(zone, dnssec), extra: [] };
    return prepend(dnameParts, this.chase(zone, [cname], lowerName(synthesized), qtype, dnssec, depth));
  }

  /**
   * Follows a CNAME chain (CoreDNS's externalLookup): inside this zone's
   * tree directly, eight links at most; a target this zone does not hold is
   * looked up in full, in another of the handler's zones or through the server.
   */
  private chase(zone: Zone, answer: Part[], first: string, qtype: number, dnssec: boolean, depth: number): Outcome {
    let target = first;
    for (let links = 0; ; ) {
      const node = zone.names.get(target);
      const cut = this.cutAbove(zone, target, qtype, node);
      if (cut) return this.delegation(zone, cut, answer, dnssec);
      if (!node || node.empty || qtype === QType.NS || (qtype === QType.SOA && target === zone.origin)) return this.elsewhere(zone, answer, target, qtype, dnssec, depth + 1);
      const cname = node.get(QType.CNAME);
      if (cname) {
        answer.push({ owner: node, set: cname, covered: -1 }, ...sigs(node, QType.CNAME, dnssec));
        target = aliasTarget(cname);
        if (++links > MAX_DEPTH) break;
        continue;
      }
      answer.push(...typed(node, qtype, dnssec));
      break;
    }
    return { result: Result.SUCCESS, answer, ns: apexNs(zone, dnssec), extra: additional(zone, answer, dnssec) };
  }

  /** The topmost zone cut between the apex and `target` (at the target itself unless DS is asked). */
  private cutAbove(zone: Zone, target: string, qtype: number, node: Node | undefined): Node | null {
    if (!isSubdomain(target, zone.origin)) return null;
    let top: Node | null = null;
    for (let n: Node | null = node ?? zone.closestEncloser(target); n && n !== zone.apex; n = n.parent) {
      if (n.get(QType.NS) && !(n === node && qtype === QType.DS)) top = n;
    }
    return top;
  }

  /** A whole lookup of `target` (CoreDNS asks the server itself): in one of our zones here, else pending. */
  private elsewhere(zone: Zone, answer: Part[], target: string, qtype: number, dnssec: boolean, depth: number): Outcome {
    const finish = (rcode: number, found: Part[]): Outcome => upstreamAnswer(zone, [...answer, ...found], rcode, found.length === 0, dnssec);
    const other = this.zones.find(target);
    if (!other) return { ...SERVFAIL, answer, pending: { target, qtype, finish } };
    // The inner lookup's answers owned by "the question's name" are owned by the target here.
    const own = (parts: Part[]): Part[] => parts.map((p) => (p.owner === null ? { ...p, owner: target } : p));
    return relay(this.run(other, target, qtype, dnssec, false, depth), (rcode, found) => finish(rcode, own(found)));
  }
}

/** The rcode a client would have seen for an outcome (SERVFAIL without an answer is written by the server). */
export function outcomeRcode(outcome: Outcome): number {
  return outcome.result === Result.NXDOMAIN ? Rcode.NXDOMAIN : outcome.result === Result.SERVFAIL ? Rcode.SERVFAIL : Rcode.NOERROR;
}

/** Feeds an inner lookup's reply (rcode and answer) to `finish`, once it is complete. */
function relay(inner: Outcome, finish: (rcode: number, answer: Part[]) => Outcome): Outcome {
  const p = inner.pending;
  if (!p) return finish(outcomeRcode(inner), inner.answer);
  return { ...SERVFAIL, answer: inner.answer, pending: { target: p.target, qtype: p.qtype, finish: (rcode, found) => relay(p.finish(rcode, found), finish) } };
}

/** CoreDNS's doLookup mapping: NXDOMAIN and SERVFAIL as they are, NOERROR without records NODATA. */
function upstreamAnswer(zone: Zone, answer: Part[], rcode: number, empty: boolean, dnssec: boolean): Outcome {
  const result = rcode === Rcode.NXDOMAIN ? Result.NXDOMAIN : rcode === Rcode.SERVFAIL ? Result.SERVFAIL : empty ? Result.NODATA : Result.SUCCESS;
  const ns = result === Result.NXDOMAIN || result === Result.NODATA ? soa(zone, dnssec) : apexNs(zone, dnssec);
  return { result, answer, ns, extra: additional(zone, answer, dnssec) };
}

function prepend(parts: Part[], outcome: Outcome): Outcome {
  if (outcome.pending) {
    const p = outcome.pending;
    return { ...outcome, answer: [...parts, ...outcome.answer], pending: { target: p.target, qtype: p.qtype, finish: (rcode, found) => prepend(parts, p.finish(rcode, found)) } };
  }
  return { ...outcome, answer: [...parts, ...outcome.answer] };
}
