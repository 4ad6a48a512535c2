/**
 * What `kubernetes` offers `transfer` (core's ZoneSource, CoreDNS's
 * kubernetes Transfer in xfr.go): the SOA, the NS records and their
 * addresses, then per service by name its A/AAAA, SRV and CNAME records.
 * The zone changes with every API event, so no NOTIFY is sent (CoreDNS
 * sends none either): secondaries poll with the SOA's refresh.
 */
import dnsPacket from 'dns-packet';
import type { Answer, ZoneSource } from '@chaindns/core';
import { addressRecord, type AnswerContext, nsAddresses, soaRecord } from './answer-apex.js';
import type { ServiceEntry } from './entries.js';
import { isReverseName } from './ip.js';
import { namespaceExposed } from './records.js';

export function kubernetesZoneSource(ctx: AnswerContext): ZoneSource {
  const zones = ctx.zones.filter((z) => !isReverseName(z));
  return {
    zones: () => zones,
    serial: (zone) => (zones.includes(zone) ? ctx.index.modified >>> 0 : null),
    records: (zone) => (zones.includes(zone) ? [...zoneRecords(ctx, zone)].map(wire) : null),
    // The cluster's zone never announces its changes (see above).
    onChange: () => undefined,
  };
}

/** A record in uncompressed wire form: dns-packet never compresses, so it is what follows the header of a message holding just it. */
function wire(rr: Answer): Buffer {
  return Buffer.from(dnsPacket.encode({ answers: [rr] }).subarray(12));
}

function* zoneRecords(ctx: AnswerContext, zone: string): Generator<Answer> {
  yield soaRecord(ctx, zone, ctx.index.modified);
  const ns = nsAddresses(ctx, zone);
  for (const host of new Set(ns.map((a) => a.name))) yield { name: zone, type: 'NS', ttl: ctx.ttl, class: 'IN', data: host };
  for (const a of ns) yield addressRecord(a.name, a.ip, ctx.ttl);
  const services = [...ctx.index.allServices()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const svc of services) if (namespaceExposed(ctx, svc.namespace)) yield* serviceRecords(ctx, svc, `${svc.name}.${svc.namespace}.svc.${zone}`);
}

function srv(name: string, weight: number, port: number, target: string, ttl: number): Answer {
  return { name, type: 'SRV', ttl, class: 'IN', data: { priority: 0, weight, port, target } };
}

function* serviceRecords(ctx: AnswerContext, svc: ServiceEntry, name: string): Generator<Answer> {
  const ttl = ctx.ttl;
  if (svc.type === 'ExternalName') {
    yield { name, type: 'CNAME', ttl, class: 'IN', data: svc.externalName };
    return;
  }
  if (svc.type === 'ClusterIP' && svc.clusterIPs.length > 0) {
    for (const ip of svc.clusterIPs) yield addressRecord(name, ip, ttl);
    for (const p of svc.ports) {
      if (p.port < 0) continue;
      // Every port gets an SRV at the service's name (CoreDNS, for peer-finder); named ports one of their own too.
      yield srv(name, 100, p.port, name, ttl);
      if (p.name !== '') yield srv(`_${p.name}._${p.protocol}.${name}`, 100, p.port, name, ttl);
    }
    return;
  }
  for (const slice of ctx.index.slicesOf(svc.name, svc.namespace)) {
    const ready: number[] = [];
    for (let i = 0; i < slice.size; i++) if (slice.ready(i) || svc.publishNotReady) ready.push(i);
    // CoreDNS's calcSRVWeight: the 100 of one SRV shared by the slice's addresses.
    const weight = Math.floor(100 / ready.length);
    for (const i of ready) {
      const ip = slice.ip(i);
      yield addressRecord(name, ip, ttl);
      const host = `${slice.answerName(i, ctx.endpointPodNames)}.${name}`;
      yield addressRecord(host, ip, ttl);
      for (const p of slice.ports) if (p.name !== '' && p.port >= 0) yield srv(`_${p.name}._${p.protocol}.${name}`, weight, p.port, host, ttl);
    }
  }
}
