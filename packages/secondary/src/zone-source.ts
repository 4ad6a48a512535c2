/**
 * What `secondary` offers `transfer` (core's ZoneSource): the zones as
 * `file` offers its own, and a change after every transfer in (CoreDNS's
 * secondary notifies its own secondaries after each, the first included).
 */
import type { ZoneSource } from '@chaindns/core';
import { fileZoneSource, type ZoneSet } from '@chaindns/file';

export interface SecondaryZoneSource extends ZoneSource {
  /** Tells the listeners that `zone` was transferred in. */
  changed(zone: string): void;
}

export function secondaryZoneSource(zones: ZoneSet): SecondaryZoneSource {
  const { zones: names, serial, records } = fileZoneSource(zones);
  const listeners: Array<(zone: string) => void> = [];
  return {
    zones: names,
    serial,
    records,
    onChange: (listener) => listeners.push(listener),
    changed: (zone) => listeners.forEach((l) => l(zone)),
  };
}
