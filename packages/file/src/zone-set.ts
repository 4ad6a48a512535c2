/** The zones one `file` handler serves, each swapped whole when its file is reloaded. */
import { isSubdomain } from '@chaindns/core';
import type { ZoneFinder } from './lookup.js';
import type { Zone } from './zone.js';

export class ZoneSlot {
  /** Null until the file was read (it may be missing at start when reload is on). */
  zone: Zone | null = null;
  /** The file's modification time when it was read, for reload_by_mtime. */
  mtimeMs = 0;

  constructor(
    /** Lowercased FQDN. */
    readonly origin: string,
    /** Absolute path of the master file; '' for a zone that comes by transfer (secondary). */
    readonly path = '',
  ) {}
}

export class ZoneSet implements ZoneFinder {
  /** Longest origin first, so the first match is the most specific; replaced whole when a slot comes or goes. */
  private ordered: readonly ZoneSlot[];
  /** Bumped on every swap: replies cached before it may have followed a CNAME into the old data. */
  generation = 0;
  /** Told the origin of every zone swapped in with a new serial (transfer's NOTIFY). */
  readonly listeners: Array<(origin: string) => void> = [];

  constructor(slots: readonly ZoneSlot[]) {
    this.ordered = bySpecificity(slots);
  }

  get slots(): readonly ZoneSlot[] {
    return this.ordered;
  }

  /** Serves one more zone (secondary's catalog members come and go). */
  add(slot: ZoneSlot): void {
    this.ordered = bySpecificity([...this.ordered, slot]);
    this.generation++;
  }

  remove(slot: ZoneSlot): void {
    this.ordered = this.ordered.filter((s) => s !== slot);
    this.generation++;
  }

  /** The slot whose origin is the longest suffix of `name` (lowercased FQDN), or null. */
  slot(name: string): ZoneSlot | null {
    const slots = this.ordered;
    for (let i = 0; i < slots.length; i++) if (isSubdomain(name, slots[i]!.origin)) return slots[i]!;
    return null;
  }

  find(name: string): Zone | null {
    return this.slot(name)?.zone ?? null;
  }

  /** Takes the slot's zone out of service (secondary's expired zone): its queries get SERVFAIL, transfer has nothing. */
  withdraw(slot: ZoneSlot): void {
    slot.zone = null;
    this.generation++;
  }

  swap(slot: ZoneSlot, zone: Zone, mtimeMs = 0): void {
    const changed = slot.zone !== null && slot.zone.soa?.serial !== zone.soa?.serial;
    slot.zone = zone;
    slot.mtimeMs = mtimeMs;
    this.generation++;
    if (changed) for (const listener of this.listeners) listener(slot.origin);
  }
}

function bySpecificity(slots: readonly ZoneSlot[]): ZoneSlot[] {
  return [...slots].sort((a, b) => b.origin.length - a.origin.length);
}
