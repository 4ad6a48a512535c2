import { type Answer, layout, lowerName, matchZone, QType, readName, skipName } from '@chaindns/core';
import { addressRecord, type AnswerContext, isNsName, nsAddresses } from './answer-apex.js';
import { canonicalIp, ipFamily } from './ip.js';
import { type Item, records } from './records.js';

/** Sends a query through the server's own chain (ctx.resolve) and resolves with the reply's bytes. */
export type Resolve = (qname: string, qtype: number) => Promise<Buffer>;

export interface AddressAnswer {
  readonly records: Answer[];
  /** The external lookup's reply was truncated (CoreDNS passes TC on). */
  readonly truncated: boolean;
}

/** A CNAME chain may be this long before CoreDNS stops following it. */
const MAX_CHAIN = 8;

/**
 * What an address-like question (A, AAAA, and the stand-in A lookup for
 * other types) finds under a name: ns.dns.<zone> holds this server's
 * addresses, anything else is a Kubernetes name.
 */
export function addressItems(ctx: AnswerContext, qname: string, zone: string, zoneRaw: string, family: 4 | 6): Item[] | null {
  if (isNsName(qname, zone)) {
    return nsAddresses(ctx, zoneRaw)
      .filter((a) => ipFamily(a.ip) === family)
      .map((a) => ({ host: a.ip, port: -1, target: a.name }));
  }
  return records(ctx, qname, zone, zoneRaw);
}

const fqdn = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

/**
 * A or AAAA records for a name, as CoreDNS's plugin.A/AAAA: addresses, or
 * for an ExternalName service its CNAME followed inside the plugin's zones,
 * and outside them resolved through the server's own chain (then async).
 * Null means NXDOMAIN. A chain whose end has no address is dropped whole.
 * (CoreDNS follows only inside the zone asked and resolves the rest through
 * itself: the same answers, but a CNAME cycle across two of its zones never
 * ends there; here the chain limit ends it.)
 */
export function addressAnswer(ctx: AnswerContext, qnameRaw: string, zone: string, zoneRaw: string, qtype: number, resolve: Resolve): AddressAnswer | null | Promise<AddressAnswer> {
  const family = qtype === QType.AAAA ? 6 : 4;
  const chain: Answer[] = [];
  let name = qnameRaw;
  for (;;) {
    const lower = lowerName(name);
    const items = addressItems(ctx, lower, zone, zoneRaw, family);
    if (items === null) return chain.length === 0 ? null : EMPTY;
    const found: Answer[] = [];
    const seen = new Set<string>();
    let alias: Item | null = null;
    for (const item of items) {
      const ip = canonicalIp(item.host);
      if (ip === null) {
        alias ??= item;
        continue;
      }
      if (ipFamily(ip) !== family || seen.has(ip)) continue;
      seen.add(ip);
      found.push(addressRecord(name, ip, ctx.ttl));
    }
    if (!alias) return found.length > 0 ? { records: [...chain, ...found], truncated: false } : EMPTY;
    const target = fqdn(alias.host);
    const targetLower = lowerName(target);
    // x CNAME x, a chain too long, or a CNAME seen before: CoreDNS leaves it out.
    if (targetLower === lower || chain.length >= MAX_CHAIN || chain.some((c) => lowerName(c.name) === lower && lowerName((c as { data: string }).data) === targetLower)) {
      return chain.length === 0 ? { records: found, truncated: false } : EMPTY;
    }
    chain.push({ name, type: 'CNAME', ttl: ctx.ttl, class: 'IN', data: target });
    const targetZone = matchZone(ctx.zones, targetLower);
    if (targetZone === null) return resolveExternal(resolve, chain, target, qtype);
    name = target;
    zone = targetZone;
    zoneRaw = zone === '.' ? '.' : target.slice(target.length - zone.length);
  }
}

const EMPTY: AddressAnswer = Object.freeze({ records: [], truncated: false });

async function resolveExternal(resolve: Resolve, chain: Answer[], target: string, qtype: number): Promise<AddressAnswer> {
  let reply: Buffer;
  try {
    reply = await resolve(target, qtype);
  } catch {
    return EMPTY;
  }
  const answers = answerRecords(reply);
  if (!answers) return EMPTY;
  return { records: [...chain, ...answers], truncated: (reply[2]! & 0x02) !== 0 };
}

/** The A, AAAA and CNAME records of a reply's answer section (others cannot follow a CNAME to an address). */
function answerRecords(msg: Buffer): Answer[] | null {
  const lay = layout(msg);
  if (!lay) return null;
  const out: Answer[] = [];
  for (let i = 0; i < lay.an; i++) {
    const start = lay.starts[i]!;
    const name = readName(msg, start);
    const t = skipName(msg, start);
    if (name === null || t < 0) return null;
    const type = msg.readUInt16BE(t);
    const ttl = msg.readUInt32BE(t + 4);
    const rdata = t + 10;
    const rdlength = msg.readUInt16BE(t + 8);
    if (type === QType.A && rdlength === 4) {
      out.push({ name, type: 'A', ttl, class: 'IN', data: [...msg.subarray(rdata, rdata + 4)].join('.') });
    } else if (type === QType.AAAA && rdlength === 16) {
      const groups: string[] = [];
      for (let g = 0; g < 8; g++) groups.push(msg.readUInt16BE(rdata + 2 * g).toString(16));
      out.push({ name, type: 'AAAA', ttl, class: 'IN', data: canonicalIp(groups.join(':'))! });
    } else if (type === QType.CNAME) {
      const cname = readName(msg, rdata);
      if (cname === null) return null;
      out.push({ name, type: 'CNAME', ttl, class: 'IN', data: cname });
    }
  }
  return out;
}
