/**
 * What `file` offers `transfer` (core's ZoneSource, CoreDNS's file Transfer):
 * each zone's records in uncompressed wire form, the SOA first. `secondary`
 * offers its zones the same way.
 */
import { writeNameText, type ZoneSource } from '@chaindns/core';
import type { RRset, Zone } from './zone.js';
import type { ZoneSet } from './zone-set.js';

export function fileZoneSource(zones: ZoneSet): ZoneSource {
  const held = (origin: string) => zones.slots.find((s) => s.origin === origin)?.zone ?? null;
  return {
    zones: () => zones.slots.filter((s) => s.zone?.soa).map((s) => s.origin),
    serial: (origin) => held(origin)?.soa?.serial ?? null,
    records(origin) {
      const zone = held(origin);
      return zone?.soa == null ? null : zoneRecords(zone);
    },
    onChange: (listener) => zones.listeners.push(listener),
  };
}

/** Every record of a zone that has its SOA, the SOA first, each in uncompressed wire form with its owner. */
export function* zoneRecords(zone: Zone): Generator<Buffer> {
  const soa = zone.soa!;
  yield* withOwner(soa.node.name, soa.set);
  for (const node of zone.names.values()) {
    for (const set of node.sets) if (set !== soa.set) yield* withOwner(node.name, set);
  }
}

const scratch = Buffer.allocUnsafe(256);

/** Each record of `set` with its owner's wire name in front. */
function* withOwner(owner: string, set: RRset): Generator<Buffer> {
  const nameEnd = writeNameText(owner, '.', scratch, 0);
  for (const p of set.records()) {
    const end = p + 10 + set.buf.readUInt16BE(p + 8);
    const rr = Buffer.allocUnsafe(nameEnd + end - p);
    scratch.copy(rr, 0, 0, nameEnd);
    set.buf.copy(rr, nameEnd, p, end);
    yield rr;
  }
}
