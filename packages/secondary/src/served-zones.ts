/**
 * One config generation's view of its zones: the ZoneSet its handler
 * answers from, each zone's keeper (for NOTIFY), and the ZoneSource it
 * offers `transfer`, fed by the keepers, which outlive it (a reload keeps
 * them). Catalog members come and go.
 */
import { ZoneSet, ZoneSlot } from '@chaindns/file';
import type { ZoneKeeper } from './zone-keeper.js';
import { secondaryZoneSource } from './zone-source.js';

export class ServedZones {
  readonly zones = new ZoneSet([]);
  readonly keepers = new Map<string, ZoneKeeper>();
  readonly source = secondaryZoneSource(this.zones);
  private readonly served = new Map<string, { slot: ZoneSlot; unwatch: () => void }>();

  serve(origin: string, keeper: ZoneKeeper): void {
    this.drop(origin);
    const slot = new ZoneSlot(origin);
    this.zones.add(slot);
    this.keepers.set(origin, keeper);
    const unwatch = keeper.watch((zone, transferred) => {
      if (zone) this.zones.swap(slot, zone);
      else this.zones.withdraw(slot);
      if (transferred) this.source.changed(origin);
    });
    this.served.set(origin, { slot, unwatch });
  }

  drop(origin: string): void {
    const served = this.served.get(origin);
    if (!served) return;
    served.unwatch();
    this.zones.remove(served.slot);
    this.keepers.delete(origin);
    this.served.delete(origin);
  }

  /** Stops following the keepers (this config is retired). */
  close(): void {
    for (const origin of [...this.served.keys()]) this.drop(origin);
  }
}
