/**
 * What `k8s_external` offers `transfer` (core's ZoneSource, CoreDNS's
 * k8s_external transfer.go): per zone the SOA, the NS and its addresses,
 * then for each name of the kubernetes plugin's external services its
 * A/AAAA (or CNAME) and SRV records. The zone changes with the cluster and
 * no NOTIFY is sent, as in CoreDNS: secondaries refresh on the SOA's timers.
 */
import * as dnsPacket from 'dns-packet';
import type { Answer, ZoneSource } from '@chaindns/core';
import { type ApexOptions, glueRecords, nsName, soaRecord } from './apex.js';
import { addressRecords, join, srvRecords } from './records.js';

export interface ExternalZoneOptions extends ApexOptions {
  readonly zones: readonly string[];
}

export function externalZoneSource(o: ExternalZoneOptions): ZoneSource {
  const zones = o.zones.filter((z) => !z.endsWith('in-addr.arpa.') && !z.endsWith('ip6.arpa.'));
  return {
    zones: () => zones,
    serial: (zone) => (zones.includes(zone) ? o.source().serial() >>> 0 : null),
    records: (zone) => (zones.includes(zone) ? [...zoneRecords(o, zone)].map(wire) : null),
    onChange: () => undefined,
  };
}

/** A record in uncompressed wire form: dns-packet never compresses, so it is what follows the header of a message holding just it. */
function wire(rr: Answer): Buffer {
  return Buffer.from(dnsPacket.encode({ answers: [rr] }).subarray(12));
}

function* zoneRecords(o: ExternalZoneOptions, zone: string): Generator<Answer> {
  yield soaRecord(o, zone);
  yield { name: zone, type: 'NS', ttl: o.ttl, class: 'IN', data: nsName(o, zone) };
  yield* glueRecords(o, nsName(o, zone));
  const source = o.source();
  for (const rel of source.names(o.headless)) {
    const items = source.lookup(rel, o.headless);
    if (!items || items.length === 0) continue;
    const name = join(rel, zone);
    // A `_port._proto.` name holds SRV records only.
    if (!rel.startsWith('_')) {
      yield* addressRecords(items, name, 4, o.ttl).records;
      yield* addressRecords(items, name, 6, o.ttl).records.filter((rr) => rr.type !== 'CNAME');
    }
    yield* srvRecords(items, name, zone, o.ttl).answers;
  }
}
