/**
 * What `file` offers `transfer` (core's ZoneSource, CoreDNS's file Transfer):
 * each zone's records in uncompressed wire form, the SOA first.
 */
import { writeNameText, type ZoneSource } from '@chaindns/core';
import type { RRset } from './zone.js';
import type { ZoneSet } from './zone-set.js';

export function fileZoneSource(zones: ZoneSet): ZoneSource {
  const held = (origin: string) => zones.slots.find((s) => s.origin === origin)?.zone ?? null;
  return {
    zones: () => zones.slots.filter((s) => s.zone?.soa).map((s) => s.origin),
    serial: (origin) => held(origin)?.soa?.serial ?? null,
    records(origin) {
      const zone = held(origin);
      if (zone?.soa == null) return null;
      const soa = zone.soa;
      return (function* () {
        yield* withOwner(soa.node.name, soa.set);
        for (const node of zone.names.values()) {
          for (const set of node.sets) if (set !== soa.set) yield* withOwner(node.name, set);
        }
      })();
    },
    onChange: (listener) => zones.listeners.push(listener),
  };
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
