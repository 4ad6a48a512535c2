import { type Answer, isSubdomain, lowerName, QType } from '@chaindns/core';
import { addresses, addressRecord, cnameRecord } from './answer-address.js';
import { type Backend, records } from './backend.js';
import { BackendFailure, NotFound } from './errors.js';
import type { Part } from './parts.js';
import { keyDomain } from './path.js';
import { answerName, fqdn, type Service, target } from './service.js';

/** What SRV and MX answers hold: the records and the addresses of their targets. */
export interface WithExtra {
  readonly answer: Part[];
  readonly extra: Part[];
}

const notCname = (a: Answer): boolean => a.type !== 'CNAME';
const all = (): boolean => true;

/** SRV's weight: the record's share of its priority's total, in percent (CoreDNS's plugin.SRV). */
function weights(services: readonly Service[]): (s: Service) => number {
  const total = new Map<number, number>();
  for (const s of services) total.set(s.priority, (total.get(s.priority) ?? 0) + (s.weight === 0 ? 100 : s.weight));
  return (s) => {
    const w = Math.floor((100 / total.get(s.priority)!) * (s.weight === 0 ? 100 : s.weight)) & 0xffff;
    return w === 0 ? 1 : w;
  };
}

/**
 * The addresses of a target name: through the server for a name outside the
 * zone (A, and AAAA without its CNAMEs), else from etcd (A only, as CoreDNS).
 */
function targetAddresses(b: Backend, zone: string, name: string, extra: Part[]): void {
  if (!isSubdomain(lowerName(name), zone)) {
    extra.push({ head: null, looked: b.lookup(name, QType.A), keep: all, truncates: false });
    extra.push({ head: null, looked: b.lookup(name, QType.AAAA), keep: notCname, truncates: false });
    return;
  }
  try {
    extra.push(...addresses(b, zone, name, QType.A, 'A'));
  } catch (err) {
    if (!(err instanceof NotFound || err instanceof BackendFailure)) throw err;
  }
}

/** Marks (name, address or port) seen; true when it was already (CoreDNS's isDuplicate). */
function duplicate(seen: Set<string>, name: string, addr: string, port: number): boolean {
  const key = addr !== '' ? `${name}\0${addr}` : `${name}\0\0${port}`;
  if (seen.has(key)) return true;
  seen.add(key);
  return false;
}

/** SRV records (CoreDNS's plugin.SRV): a host that is an address gets a name made from its key. */
export function srvRecords(b: Backend, zone: string, owner: string): WithExtra {
  const services = records(b, lowerName(owner), QType.SRV, false);
  const weight = weights(services);
  const answer: Part[] = [];
  const extra: Part[] = [];
  const seen = new Set<string>();
  const looked = new Set<string>();
  for (const s of services) {
    // The kubernetes plugin's "no port" (CoreDNS shares this code with it).
    if (s.port === -1) continue;
    const what = s.hostType;
    if (what.type === 'TXT') continue;
    const named = what.type === 'CNAME' ? s : { ...s, host: keyDomain(s.key, b.base) };
    const srv: Answer = { name: owner, type: 'SRV', ttl: s.ttl, class: 'IN', data: { priority: s.priority & 0xffff, weight: weight(s), port: s.port & 0xffff, target: target(named) } };
    const to = target(named);
    if (what.type === 'CNAME') {
      answer.push(srv);
      if (looked.has(to)) continue;
      looked.add(to);
      targetAddresses(b, zone, to, extra);
      continue;
    }
    if (!duplicate(seen, to, '', s.port & 0xffff)) answer.push(srv);
    if (!duplicate(seen, to, s.host, 0)) extra.push(addressRecord(to, s));
  }
  return { answer, extra };
}

/** MX records (CoreDNS's plugin.MX): the `mail` records, the priority as preference. */
export function mxRecords(b: Backend, zone: string, owner: string): WithExtra {
  const services = records(b, lowerName(owner), QType.MX, false);
  const answer: Part[] = [];
  const extra: Part[] = [];
  const seen = new Set<string>();
  const looked = new Set<string>();
  for (const s of services) {
    if (!s.mail) continue;
    const what = s.hostType;
    if (what.type === 'TXT') continue;
    const named = what.type === 'CNAME' ? s : { ...s, host: keyDomain(s.key, b.base) };
    const exchange = target(named);
    const mx: Answer = { name: owner, type: 'MX', ttl: s.ttl, class: 'IN', data: { preference: s.priority & 0xffff, exchange } };
    if (what.type === 'CNAME') {
      answer.push(mx);
      if (looked.has(exchange)) continue;
      looked.add(exchange);
      targetAddresses(b, zone, exchange, extra);
      continue;
    }
    if (!duplicate(seen, exchange, '', s.priority & 0xffff)) answer.push(mx);
    // CoreDNS names the address after the key, before targetstrip.
    if (!duplicate(seen, fqdn(named.host), s.host, 0)) extra.push(addressRecord(fqdn(named.host), s));
  }
  return { answer, extra };
}

/** The zone's NS records, from the addresses under `ns.dns.<zone>` (CoreDNS's plugin.NS); a name there is an error. */
export function nsRecords(b: Backend, zone: string, owner: string): WithExtra {
  const services = records(b, zone === '.' ? 'ns.dns.' : `ns.dns.${zone}`, QType.NS, false);
  const answer: Answer[] = [];
  const extra: Answer[] = [];
  const seen = new Set<string>();
  for (const s of services) {
    const what = s.hostType;
    if (what.type === 'CNAME') throw new BackendFailure(`NS record must be an IP address: ${s.host}`);
    if (what.type === 'TXT') continue;
    const ns = target({ ...s, host: keyDomain(s.key, b.base) });
    extra.push(addressRecord(ns, s));
    if (seen.has(ns)) continue;
    seen.add(ns);
    answer.push({ name: owner, type: 'NS', ttl: s.ttl, class: 'IN', data: ns });
  }
  return { answer, extra };
}

/** The CNAME of exactly this name (CoreDNS's plugin.CNAME): the first record's host, when it is a name. */
export function cnameRecords(b: Backend, owner: string): Answer[] {
  const s = records(b, lowerName(owner), QType.CNAME, true)[0];
  return s && s.hostType.ip === undefined ? [cnameRecord(owner, s)] : [];
}

/** PTR records of exactly this name (CoreDNS's plugin.PTR): each host that is a name, once. */
export function ptrRecords(b: Backend, owner: string): Answer[] {
  const out: Answer[] = [];
  const seen = new Set<string>();
  for (const s of records(b, lowerName(owner), QType.PTR, true)) {
    if (s.hostType.ip !== undefined || seen.has(s.host)) continue;
    seen.add(s.host);
    out.push({ name: owner, type: 'PTR', ttl: s.ttl, class: 'IN', data: answerName(s.host) });
  }
  return out;
}

/** The SOA CoreDNS makes up for an etcd zone: serial now, minimum 30. */
export function soaRecord(zone: string): Answer {
  const join = (label: string): string => (zone === '.' ? `${label}.` : `${label}.${zone}`);
  return {
    name: zone,
    type: 'SOA',
    ttl: 30,
    class: 'IN',
    data: { mname: join('ns.dns'), rname: join('hostmaster'), serial: Math.floor(Date.now() / 1000) >>> 0, refresh: 7200, retry: 1800, expire: 86400, minimum: 30 },
  };
}
