import { resolve } from 'node:path';
import { configError, definePlugin, eachSubdirective, expectArgs, parseDuration, parseFallthrough, parseZones, type Token } from '@chaindns/core';
import { createFile } from './file.js';
import { Reloader } from './reload.js';
import { loadZone, readZoneFile } from './zone-loader.js';
import { ZoneSet, ZoneSlot } from './zone-set.js';
import { fileZoneSource } from './zone-source.js';

/** One `file DBFILE [ZONES...]` line. */
export interface ZoneFileConfig {
  /** The master file as written (relative paths are taken from the working directory, as CoreDNS without *root*). */
  readonly path: string;
  /** The origins it is read for (lowercased FQDNs); the server block's zones when none are given. */
  readonly zones: readonly string[];
  /** How often the file is checked for a new serial; 0 turns reload off. Default one minute. */
  readonly reloadMs: number;
  /** Reload when the file's modification time moves forward, whatever its serial. */
  readonly reloadByMtime: boolean;
  /** The `file` token, for errors found when the file is read. */
  readonly at: Token;
}

export interface FileConfig {
  readonly files: readonly ZoneFileConfig[];
  /** `fallthrough` zones, null when off. Several `file` lines share it, as in CoreDNS (the last one given wins). */
  readonly fallthrough: readonly string[] | null;
}

const DEFAULT_RELOAD_MS = 60_000;

/** `file DBFILE [ZONES...] { reload DURATION; reload_by_mtime; fallthrough [ZONES...] }`. */
export const file = definePlugin<FileConfig>({
  name: 'file',
  parse(d, ctx) {
    const [path, ...zoneArgs] = expectArgs(d, 1);
    let reloadMs = DEFAULT_RELOAD_MS;
    let reloadByMtime = false;
    let fallthrough: string[] | null = null;
    eachSubdirective(d, {
      reload(sub) {
        const [t] = expectArgs(sub, 1, 1);
        // Go's time.ParseDuration takes a bare "0"; every other value needs its unit.
        reloadMs = t!.text === '0' ? 0 : parseDuration(t!);
      },
      reload_by_mtime(sub) {
        expectArgs(sub, 0, 0);
        reloadByMtime = true;
      },
      fallthrough(sub) {
        fallthrough = parseFallthrough(sub);
      },
      upstream(sub) {
        ctx.warn(sub.token, 'file: upstream is no longer supported and is ignored: CNAME targets are resolved through this server');
      },
    });
    return { files: [{ path: path!.text, zones: parseZones(zoneArgs, ctx.zones), reloadMs, reloadByMtime, at: d.token }], fallthrough };
  },
  files: (config) => config.files.map((f) => ({ path: f.path, at: f.at, what: 'zone file' })),
  combine(configs) {
    const files = configs.flatMap((c) => c.files);
    const seen = new Set<string>();
    for (const f of files) {
      for (const z of f.zones) {
        if (seen.has(z)) configError(f.at, `file: zone ${z} is served from more than one file`);
        seen.add(z);
      }
    }
    return { files, fallthrough: configs.reduce<readonly string[] | null>((ft, c) => c.fallthrough ?? ft, null) };
  },
  setup(config, ctx) {
    const files = config.files.map((spec) => {
      const path = resolve(spec.path);
      return { spec, path, slots: spec.zones.map((origin) => new ZoneSlot(origin, path)) };
    });
    const zones = new ZoneSet(files.flatMap((f) => f.slots));
    const reloaders: Reloader[] = [];
    for (const { spec, path, slots } of files) {
      let read: { text: string; mtimeMs: number } | null = null;
      try {
        read = readZoneFile(path);
      } catch (err) {
        // CoreDNS: fatal without reload, else a warning and another try at each interval.
        if (spec.reloadMs === 0) configError(spec.at, `file: ${(err as Error).message}`);
        ctx.log.warn(`Failed to open "${(err as Error).message}": trying again in ${spec.reloadMs / 1000}s`);
      }
      for (const slot of slots) {
        if (!read) continue;
        try {
          zones.swap(slot, loadZone(slot.path, slot.origin, read.text), read.mtimeMs);
        } catch (err) {
          configError(spec.at, `file: ${(err as Error).message}`);
        }
      }
      reloaders.push(new Reloader(zones, slots, spec.reloadMs, spec.reloadByMtime, ctx.log));
    }
    ctx.offer('zoneSource', fileZoneSource(zones));
    ctx.onStartup(() => reloaders.forEach((r) => r.start()));
    ctx.onShutdown(() => Promise.all(reloaders.map((r) => r.stop())).then(() => undefined));
    return createFile({
      zones,
      fallthrough: config.fallthrough,
      resolve: (qname, qtype, via) => ctx.resolve(qname, qtype, via),
      last: ctx.plugins[ctx.plugins.length - 1] === 'file',
      log: ctx.log,
    });
  },
});
