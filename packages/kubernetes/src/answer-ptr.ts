import type { Answer } from '@chaindns/core';
import type { AnswerContext } from './answer-apex.js';
import { addressFromReverse, addressKey } from './ip.js';
import { namespaceExposed, records } from './records.js';

/**
 * PTR records, as CoreDNS's Reverse: a ClusterIP (or external IP) names its
 * service; otherwise every ready endpoint with that address names itself
 * under its service. Names are in the first forward zone. Null means NXDOMAIN.
 */
export function ptrAnswer(ctx: AnswerContext, qname: string, qnameRaw: string, zone: string, zoneRaw: string): Answer[] | null {
  const ip = addressFromReverse(qname);
  if (ip === null) {
    // Not a full reverse name: the name may still exist (the apex), with no PTR.
    return records(ctx, qname, zone, zoneRaw) === null ? null : [];
  }
  const names = namesOf(ctx, ip);
  if (names.length === 0) return null;
  return [...new Set(names)].map((data) => ({ name: qnameRaw, type: 'PTR', ttl: ctx.ttl, class: 'IN', data }));
}

function namesOf(ctx: AnswerContext, ip: string): string[] {
  // As CoreDNS: namespace filtering applies only when `namespaces` is set.
  const hidden = (ns: string): boolean => ctx.namespaces !== null && !namespaceExposed(ctx, ns);
  for (const svc of ctx.index.servicesByIp(ip)) {
    if (!hidden(svc.namespace)) return [`${svc.name}.${svc.namespace}.svc.${ctx.primaryZone}`];
  }
  const names: string[] = [];
  const key = addressKey(ip);
  for (const slice of ctx.index.slicesByIp(ip)) {
    if (hidden(slice.namespace)) continue;
    const publishNotReady = ctx.index.service(slice.service, slice.namespace)?.publishNotReady ?? false;
    for (let i = 0; i < slice.size; i++) {
      if (slice.addressKey(i) !== key || !(slice.ready(i) || publishNotReady)) continue;
      names.push(`${slice.answerName(i, ctx.endpointPodNames)}.${slice.service}.${slice.namespace}.svc.${ctx.primaryZone}`);
    }
  }
  return names;
}
