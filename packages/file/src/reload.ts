/**
 * `reload`: every interval, read each zone's file again and swap the zone in
 * when its SOA serial changed (CoreDNS's Zone.Reload), or with
 * `reload_by_mtime` when the file's modification time moved forward. A file
 * that fails to read or parse is logged and the old zone keeps serving.
 */
import { stat } from 'node:fs/promises';
import type { Logger } from '@chaindns/core';
import { reloadZone } from './zone-loader.js';
import type { ZoneSet, ZoneSlot } from './zone-set.js';

export class Reloader {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly zones: ZoneSet,
    private readonly slots: readonly ZoneSlot[],
    private readonly intervalMs: number,
    private readonly byMtime: boolean,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer || this.stopped) return;
    this.timer = setInterval(() => {
      // A check still running (a large zone) is not overlapped by the next.
      this.running ??= this.check().finally(() => (this.running = null));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a check under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One round over the zones (what each tick does). */
  async check(): Promise<void> {
    for (const slot of this.slots) {
      if (this.stopped) return;
      await this.checkOne(slot);
    }
  }

  private async checkOne(slot: ZoneSlot): Promise<void> {
    let serial = slot.zone?.soa?.serial ?? null;
    if (this.byMtime) {
      let mtimeMs: number;
      try {
        mtimeMs = (await stat(slot.path)).mtimeMs;
      } catch (err) {
        this.log.error(`Failed to stat zone "${slot.origin}" in "${slot.path}": ${(err as Error).message}`);
        return;
      }
      if (slot.zone !== null && mtimeMs <= slot.mtimeMs) return;
      serial = null;
    }
    try {
      const loaded = await reloadZone(slot.path, slot.origin, serial);
      if (!loaded) return;
      this.zones.swap(slot, loaded.zone, loaded.mtimeMs);
      this.log.info(`Successfully reloaded zone "${slot.origin}" in "${slot.path}" with ${loaded.zone.soa!.serial} SOA serial`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code) this.log.error(`Failed to open zone "${slot.origin}" in "${slot.path}": ${(err as Error).message}`);
      else this.log.error(`Parsing zone "${slot.origin}": ${(err as Error).message}`);
    }
  }
}
