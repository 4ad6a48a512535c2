import { configError, definePlugin, eachSubdirective, expectArgs, parseFallthrough, parseZones, type Token } from '@chaindns/core';
import { ZoneSet, ZoneSlot } from '@chaindns/file';
import { formatPrimary, parsePrimary, type Primary } from './primary.js';
import { createSecondary } from './secondary.js';
import { ZoneKeeper } from './zone-keeper.js';
import { secondaryZoneSource } from './zone-source.js';

/** One zone of a `secondary` line. */
export interface SecondaryZoneConfig {
  /** Lowercased FQDN. */
  readonly origin: string;
  /** `transfer from` addresses, tried in order. */
  readonly primaries: readonly Primary[];
  /** The `secondary` token, for errors. */
  readonly at: Token;
}

export interface SecondaryConfig {
  readonly zones: readonly SecondaryZoneConfig[];
  /** `fallthrough` zones, null when off; several `secondary` lines share it (the last one given wins), as in CoreDNS. */
  readonly fallthrough: readonly string[] | null;
}

/** `secondary [ZONES...] { transfer from ADDRESS...; fallthrough [ZONES...] }`. */
export const secondary = definePlugin<SecondaryConfig>({
  name: 'secondary',
  parse(d, ctx) {
    const origins = parseZones(d.args, ctx.zones);
    const primaries: Primary[] = [];
    let fallthrough: string[] | null = null;
    eachSubdirective(
      d,
      {
        transfer(sub) {
          const [how, ...addresses] = expectArgs(sub, 1);
          if (how!.text !== 'from') configError(how!, `secondary: unknown property "transfer ${how!.text}": a secondary transfers from its primaries (the transfer plugin transfers to others)`);
          if (addresses.length === 0) configError(sub, 'secondary: transfer from needs at least one address');
          primaries.push(...addresses.map(parsePrimary));
        },
        fallthrough(sub) {
          fallthrough = parseFallthrough(sub);
        },
        catalog(sub) {
          configError(sub, 'secondary: catalog (RFC 9432 catalog zones) is not supported yet');
        },
      },
      ['transfer'],
    );
    if (primaries.length === 0) configError(d, 'secondary: secondary zones require a transfer from property');
    return { zones: origins.map((origin) => ({ origin, primaries, at: d.token })), fallthrough };
  },
  combine(configs) {
    const zones = configs.flatMap((c) => c.zones);
    const seen = new Set<string>();
    for (const z of zones) {
      if (seen.has(z.origin)) configError(z.at, `secondary: zone ${z.origin} is given more than once`);
      seen.add(z.origin);
    }
    return { zones, fallthrough: configs.reduce<readonly string[] | null>((ft, c) => c.fallthrough ?? ft, null) };
  },
  async setup(config, ctx) {
    const zones = new ZoneSet(config.zones.map((z) => new ZoneSlot(z.origin)));
    const source = secondaryZoneSource(zones);
    const keepers = new Map<string, ZoneKeeper>();
    for (const z of config.zones) {
      // One keeper per zone and primaries for every block and every config generation: a reload keeps the zone.
      const key = `secondary ${z.origin} from ${z.primaries.map(formatPrimary).join(' ')}`;
      const keeper = await ctx.shared(
        key,
        () => new ZoneKeeper(z.origin, z.primaries, ctx.log),
        (k) => k.stop(),
      );
      keepers.set(z.origin, keeper);
      const slot = zones.slots.find((s) => s.origin === z.origin)!;
      const unwatch = keeper.watch((zone, transferred) => {
        if (zone) zones.swap(slot, zone);
        else zones.withdraw(slot);
        if (transferred) source.changed(z.origin);
      });
      ctx.onStartup(() => keeper.start());
      ctx.onShutdown(unwatch);
    }
    ctx.offer('zoneSource', source);
    return createSecondary({
      zones,
      keepers,
      fallthrough: config.fallthrough,
      resolve: (qname, qtype, via) => ctx.resolve(qname, qtype, via),
      last: ctx.plugins[ctx.plugins.length - 1] === 'secondary',
      log: ctx.log,
    });
  },
});
