/**
 * The record groups answers are made of: the SOA and apex NS with their
 * signatures, a node's RRset with its RRSIGs when DO is set, glue for a
 * delegation, and addresses for the targets of MX, SRV, SVCB and HTTPS
 * records (CoreDNS's additionalProcessing).
 */
import { isSubdomain, lowerName, QType, readName } from '@chaindns/core';
import type { Part } from './message.js';
import type { Node, RRset, Zone } from './zone.js';

/** The RRSIGs at `node` covering `type`, under `owner` (null: the question's name), when DO is set. */
export function sigs(node: Node, type: number, dnssec: boolean, owner: Node | null = node): Part[] {
  if (!dnssec) return [];
  const set = node.get(QType.RRSIG);
  return set ? [{ owner, set, covered: type }] : [];
}

/** The RRset of `type` at `node` and its signatures; none when the node has no such set. */
export function typed(node: Node, type: number, dnssec: boolean, owner: Node | null = node): Part[] {
  const set = node.get(type);
  return set ? [{ owner, set, covered: -1 }, ...sigs(node, type, dnssec, owner)] : [];
}

const plainSoa = new WeakMap<Zone, readonly Part[]>();

/** The zone's SOA (and its signatures for DO); without DO the same parts every time (never changed by a caller). */
export function soa(zone: Zone, dnssec: boolean): Part[] {
  const s = zone.soa!;
  if (dnssec) return [{ owner: s.node, set: s.set, covered: -1 }, ...sigs(s.node, QType.SOA, true)];
  let parts = plainSoa.get(zone);
  if (!parts) plainSoa.set(zone, (parts = Object.freeze([{ owner: s.node, set: s.set, covered: -1 }])));
  return parts as Part[];
}

export function apexNs(zone: Zone, dnssec: boolean): Part[] {
  return typed(zone.apex, QType.NS, dnssec);
}

/** The NS set of a zone cut with its DS (and their signatures) when DO is set, as a referral's authority. */
export function referral(cut: Node, dnssec: boolean): Part[] {
  const ns: Part[] = [{ owner: cut, set: cut.get(QType.NS)!, covered: -1 }];
  return dnssec ? [...ns, ...typed(cut, QType.DS, true)] : ns;
}

/** Lowercased name at `off` in a record's RDATA (names in stored RDATA are never compressed). */
function targetAt(set: RRset, rdataOff: number): string {
  return lowerName(readName(set.buf, rdataOff) ?? '.');
}

/** The A and AAAA sets (and signatures) of `name`, if the zone holds it. */
function addresses(zone: Zone, name: string, dnssec: boolean): Part[] {
  const node = zone.names.get(name);
  return node ? [...typed(node, QType.A, dnssec), ...typed(node, QType.AAAA, dnssec)] : [];
}

/** Glue for NS records: addresses of the name servers below the NS owner. */
export function glue(zone: Zone, ns: readonly Part[], dnssec: boolean): Part[] {
  const out: Part[] = [];
  for (const part of ns) {
    if (part.set.type !== QType.NS) continue;
    for (const p of part.set.records()) {
      const target = targetAt(part.set, p + 10);
      const owner = typeof part.owner === 'string' ? part.owner : (part.owner?.name ?? '');
      if (isSubdomain(target, owner)) out.push(...addresses(zone, target, dnssec));
    }
  }
  return out;
}

/** Where the target name sits in the RDATA of the types additional processing follows. */
function targetOffset(type: number): number {
  return type === QType.SRV ? 6 : type === QType.MX || type === QType.SVCB || type === QType.HTTPS ? 2 : -1;
}

/** Addresses for in-zone targets of MX, SRV, SVCB and HTTPS answers, each target once. */
export function additional(zone: Zone, answer: readonly Part[], dnssec: boolean): Part[] {
  let out: Part[] | null = null;
  let seen: Set<string> | null = null;
  for (const part of answer) {
    const at = part.covered < 0 ? targetOffset(part.set.type) : -1;
    if (at < 0) continue;
    for (const p of part.set.records()) {
      const target = targetAt(part.set, p + 10 + at);
      if (target === '.' || !isSubdomain(target, zone.origin) || seen?.has(target)) continue;
      (seen ??= new Set()).add(target);
      (out ??= []).push(...addresses(zone, target, dnssec));
    }
  }
  return out ?? [];
}

/** The target of the first record of a CNAME or DNAME set, lowercased. */
export function aliasTarget(set: RRset): string {
  return targetAt(set, set.off + 10);
}
