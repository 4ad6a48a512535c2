import { statSync } from 'node:fs';
import { configError, definePlugin, type Directive, expectArgs, expectNoBlock, parseDuration, parseFallthrough, parseZones, type Token } from '@chaindns/core';
import { parseAddress } from './address.js';
import { createHosts } from './hosts.js';
import { type HostsLine, inZones, normalizeHostName } from './hosts-file.js';
import { HostsSource } from './hosts-source.js';
import { hostsMetrics } from './metrics.js';

export interface HostsConfig {
  /** The hosts file as written; a relative path is taken from the working directory (CoreDNS without *root*). */
  readonly path: string;
  /** Where the file was named (the directive when it was not), for what setup finds wrong with it. */
  readonly pathToken: Token;
  /** The zones it serves: its arguments after the file, else the server block's. */
  readonly zones: readonly string[];
  /** The entries written in the block. */
  readonly inline: readonly HostsLine[];
  /** Seconds, 1 to 65535. */
  readonly ttl: number;
  /** Make PTR records for the entries (no `no_reverse`). */
  readonly reverse: boolean;
  /** How often to look at the file; 0 never does. */
  readonly reloadMs: number;
  /** `fallthrough` zones, null when it is not given. */
  readonly fallthrough: readonly string[] | null;
  readonly fallthroughUnsupported: boolean;
}

const OPTIONS = ['ttl', 'no_reverse', 'reload', 'fallthrough', 'fallthrough_unsupported'];

/**
 * `hosts [FILE [ZONES...]] { [INLINE...] ttl SECONDS; no_reverse; reload
 * DURATION; fallthrough [ZONES...]; fallthrough_unsupported }`. Any other line
 * of the block is an inline entry, `ADDRESS NAME [NAME...]`, allowed only
 * before `fallthrough` as in CoreDNS.
 */
export const hosts = definePlugin<HostsConfig>({
  name: 'hosts',
  parse(d, ctx) {
    const [file, ...zoneArgs] = d.args;
    const zones = parseZones(zoneArgs, ctx.zones);
    let ttl = 3600;
    let reverse = true;
    let reloadMs = 5000;
    let fallthrough: string[] | null = null;
    let unsupported: Directive | null = null;
    const inline: HostsLine[] = [];
    const seen = new Set<string>();
    for (const sub of d.block ?? []) {
      if (!OPTIONS.includes(sub.name)) {
        if (fallthrough !== null) configError(sub, `hosts: unknown property "${sub.name}" (inline entries go before fallthrough)`);
        inline.push(inlineEntry(sub, zones));
        continue;
      }
      if (seen.has(sub.name)) configError(sub, `hosts: "${sub.name}" given more than once`);
      seen.add(sub.name);
      expectNoBlock(sub);
      switch (sub.name) {
        case 'ttl':
          ttl = parseTtl(expectArgs(sub, 1, 1)[0]!);
          break;
        case 'no_reverse':
          expectArgs(sub, 0, 0);
          reverse = false;
          break;
        case 'reload':
          reloadMs = parseReload(expectArgs(sub, 1, 1)[0]!);
          break;
        case 'fallthrough':
          fallthrough = parseFallthrough(sub);
          break;
        default:
          expectArgs(sub, 0, 0);
          unsupported = sub;
      }
    }
    if (unsupported && fallthrough === null) configError(unsupported, 'hosts: fallthrough_unsupported requires fallthrough');
    return {
      path: file?.text ?? '/etc/hosts',
      pathToken: file ?? d.token,
      zones,
      inline,
      ttl,
      reverse,
      reloadMs,
      fallthrough,
      fallthroughUnsupported: unsupported !== null,
    };
  },
  // The plugin starts without its file (CoreDNS warns) and reads it once it appears.
  files: (config) => [{ path: config.path, at: config.pathToken, what: 'hosts file', optional: true }],
  setup(config, ctx) {
    const path = config.path;
    try {
      if (statSync(path).isDirectory()) ctx.log.warn(`Hosts file "${path}" is a directory`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') configError(config.pathToken, `hosts: unable to access hosts file '${path}': ${(err as Error).message}`);
      ctx.log.warn(`File does not exist: ${path}`);
    }
    const metrics = hostsMetrics(ctx.registry);
    const source = new HostsSource({ path, zones: config.zones, reverse: config.reverse, ttl: config.ttl, inline: config.inline, log: ctx.log, metrics });
    const untrack = metrics.track(source);
    ctx.onStartup(async () => {
      await source.read();
      source.start(config.reloadMs);
    });
    ctx.onShutdown(() => {
      source.stop();
      untrack();
    });
    return createHosts({ zones: config.zones, fallthrough: config.fallthrough, fallthroughUnsupported: config.fallthroughUnsupported, source });
  },
});

/** An inline line: the sub-directive's name is the address, its arguments the names, each in the plugin's zones. */
function inlineEntry(sub: Directive, zones: readonly string[]): HostsLine {
  const address = parseAddress(sub.name);
  if (address === null) configError(sub, `hosts: unknown property "${sub.name}": expected one of ${OPTIONS.join(', ')}, or an inline entry (an IP address and host names)`);
  if (sub.block) configError(sub, `hosts: inline entry ${sub.name} takes no block`);
  if (sub.args.length === 0) configError(sub, `hosts: inline entry ${sub.name} needs at least one host name`);
  const names = sub.args.map((t) => {
    const name = normalizeHostName(t.text);
    if (name === null) configError(t, `hosts: "${t.text}" is not a host name`);
    if (!inZones(zones, name)) configError(t, `hosts: ${name} is outside the zones this hosts serves (${zones.join(' ')})`);
    return name;
  });
  return { address, names };
}

function parseTtl(t: Token): number {
  if (!/^\d+$/.test(t.text)) configError(t, `hosts: ttl needs a number of seconds, got "${t.text}"`);
  const ttl = Number(t.text);
  if (ttl <= 0 || ttl > 65535) configError(t, `hosts: ttl provided is invalid: ${t.text}, expected 1 to 65535`);
  return ttl;
}

/** A Go duration; `0` (with a unit or without) turns reloading off. */
function parseReload(t: Token): number {
  if (t.text.startsWith('-')) configError(t, `hosts: invalid negative duration for reload '${t.text}'`);
  return t.text === '0' ? 0 : parseDuration(t);
}
