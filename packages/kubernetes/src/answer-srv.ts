import type { Answer } from '@chaindns/core';
import { addressRecord, type AnswerContext, isNsName } from './answer-apex.js';
import { canonicalIp } from './ip.js';
import { records } from './records.js';

/**
 * SRV records, as CoreDNS's plugin.SRV: one per port (ClusterIP services:
 * target the service name) or per endpoint and port (headless: target the
 * endpoint's name), priority 0, the weight split evenly, the targets'
 * addresses in the additional section. ExternalName services have no SRV.
 * Null means NXDOMAIN.
 */
export function srvAnswer(ctx: AnswerContext, qname: string, qnameRaw: string, zone: string, zoneRaw: string): { answers: Answer[]; extra: Answer[] } | null {
  if (isNsName(qname, zone)) return { answers: [], extra: [] };
  const items = records(ctx, qname, zone, zoneRaw);
  if (items === null) return null;
  const internal = items.filter((item) => canonicalIp(item.host) !== null);
  const answers: Answer[] = [];
  const extra: Answer[] = [];
  if (internal.length === 0) return { answers, extra };
  // Every item counts toward the split, the portless ones too, as in CoreDNS.
  const weight = Math.max(1, Math.floor((100 / (100 * internal.length)) * 100));
  const seen = new Set<string>();
  for (const item of internal) {
    if (item.port === -1) continue;
    const srvKey = `${item.target}\0${item.port}`;
    if (!seen.has(srvKey)) {
      seen.add(srvKey);
      answers.push({ name: qnameRaw, type: 'SRV', ttl: ctx.ttl, class: 'IN', data: { priority: 0, weight, port: item.port, target: item.target } });
    }
    const addrKey = `${item.target}\0${item.host}`;
    if (!seen.has(addrKey)) {
      seen.add(addrKey);
      extra.push(addressRecord(item.target, item.host, ctx.ttl));
    }
  }
  return { answers, extra };
}
