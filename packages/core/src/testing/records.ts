import * as dnsPacket from 'dns-packet';
import { parseAnswer } from '../wire/presentation-answer.js';

/**
 * Records from presentation text, as CoreDNS's test helpers:
 * `A("example.org. 300 IN A 1.2.3.4")`. The TTL and class may be left out
 * (default 3600, IN). Types without a case here (CAA, DS, RRSIG, NSEC...)
 * are read by core's parseAnswer.
 */
export function rr(text: string): dnsPacket.Answer {
  const fields = tokenize(text);
  const name = trimDot(fields.shift() ?? '');
  let ttl = 3600;
  if (/^\d+$/.test(fields[0] ?? '')) ttl = Number(fields.shift());
  if (fields[0] === 'IN' || fields[0] === 'CH') fields.shift();
  const type = (fields.shift() ?? '').toUpperCase();
  const f = fields;
  const need = (n: number): string[] => {
    if (f.length < n) throw new Error(`record "${text}": ${type} needs ${n} fields of data`);
    return f;
  };
  const base = { name, ttl, class: 'IN' as const };
  switch (type) {
    case 'A':
    case 'AAAA':
      return { ...base, type, data: need(1)[0]! };
    case 'CNAME':
    case 'NS':
    case 'PTR':
    case 'DNAME':
      return { ...base, type, data: trimDot(need(1)[0]!) };
    case 'TXT':
      return { ...base, type, data: f.map(unquote) };
    case 'MX':
      return { ...base, type, data: { preference: Number(need(2)[0]), exchange: trimDot(f[1]!) } };
    case 'SRV':
      return { ...base, type, data: { priority: Number(need(4)[0]), weight: Number(f[1]), port: Number(f[2]), target: trimDot(f[3]!) } };
    case 'SOA': {
      need(7);
      return {
        ...base,
        type,
        data: { mname: trimDot(f[0]!), rname: trimDot(f[1]!), serial: Number(f[2]), refresh: Number(f[3]), retry: Number(f[4]), expire: Number(f[5]), minimum: Number(f[6]) },
      };
    }
    case 'HINFO':
      return { ...base, type, data: { cpu: unquote(need(2)[0]!), os: unquote(f[1]!) } };
    default:
      return parseAnswer(text);
  }
}

export const A = rr;
export const AAAA = rr;
export const CNAME = rr;
export const NS = rr;
export const PTR = rr;
export const TXT = rr;
export const MX = rr;
export const SRV = rr;
export const SOA = rr;

function tokenize(text: string): string[] {
  return text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}
function unquote(s: string): string {
  return s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s;
}
function trimDot(s: string): string {
  return s === '.' ? '.' : s.replace(/\.$/, '');
}
