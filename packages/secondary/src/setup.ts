import { configError, definePlugin, eachSubdirective, expectArgs, formatHostPort, normalizeZone, parseFallthrough, parseZones, type Token } from '@chaindns/core';
import type { Zone } from '@chaindns/file';
import { parseCatalog } from './catalog.js';
import { CatalogConsumer } from './catalog-consumer.js';
import { parsePrimary, type Primary } from './primary.js';
import { createSecondary } from './secondary.js';
import { ServedZones } from './served-zones.js';
import { ZoneKeeper } from './zone-keeper.js';

/** One zone of a `secondary` line. */
export interface SecondaryZoneConfig {
  /** Lowercased FQDN. */
  readonly origin: string;
  /** `transfer from` addresses, tried in order. */
  readonly primaries: readonly Primary[];
  /** A catalog zone (`catalog`): the member zones it may bring (empty for every one); null for a zone that is not one. */
  readonly catalog: readonly string[] | null;
  /** The `secondary` token, for errors. */
  readonly at: Token;
}

export interface SecondaryConfig {
  readonly zones: readonly SecondaryZoneConfig[];
  /** `fallthrough` zones, null when off; several `secondary` lines share it (the last one given wins), as in CoreDNS. */
  readonly fallthrough: readonly string[] | null;
}

/**
 * `catalog` lines together (CoreDNS's mergeCatalogMemberZones): the member
 * zones of all, but any member at all once one line names none.
 */
function mergeScope(scope: readonly string[] | null, more: readonly string[]): readonly string[] {
  if (scope === null) return more;
  if (scope.length === 0 || more.length === 0) return [];
  return [...new Set([...scope, ...more])];
}

/** A zone and its primaries (and its catalog's member zones): what a keeper of it depends on. */
function describe(z: SecondaryZoneConfig): string {
  return `${z.origin} from ${z.primaries.map(formatHostPort).join(' ')}${z.catalog ? ` catalog ${z.catalog.join(' ')}` : ''}`;
}

/** `secondary [ZONES...] { transfer from ADDRESS...; catalog [MEMBER-ZONES...]; fallthrough [ZONES...] }`. */
export const secondary = definePlugin<SecondaryConfig>({
  name: 'secondary',
  parse(d, ctx) {
    const origins = parseZones(d.args, ctx.zones);
    const primaries: Primary[] = [];
    let fallthrough: string[] | null = null;
    let catalog: readonly string[] | null = null;
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
          catalog = mergeScope(catalog, sub.args.flatMap(normalizeZone));
        },
      },
      ['transfer', 'catalog'],
    );
    if (primaries.length === 0) configError(d, 'secondary: secondary zones require a transfer from property');
    return { zones: origins.map((origin) => ({ origin, primaries, catalog, at: d.token })), fallthrough };
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
    // Keepers are shared by every block and config generation with the same zone and primaries: a reload
    // keeps the zones, without transferring them again. A catalog's (and its members') depend on the whole
    // config: the zones its members may not be, and the other catalogs they may move to.
    const whole = config.zones.map(describe).join('; ');
    const served = new ServedZones();
    const catalogs = config.zones.filter((z) => z.catalog !== null);
    const consumer =
      catalogs.length === 0
        ? null
        : await ctx.shared(
            `secondary catalogs of ${whole}`,
            () => new CatalogConsumer(new Set(config.zones.map((z) => z.origin)), new Map(catalogs.map((z) => [z.origin, z.catalog!])), ctx.log),
            (c) => c.stop(),
          );
    for (const z of config.zones) {
      const accept = consumer && z.catalog ? (zone: Zone) => consumer.apply(z.origin, parseCatalog(z.origin, zone), z.primaries) : undefined;
      const keeper = await ctx.shared(
        z.catalog ? `secondary catalog ${z.origin} of ${whole}` : `secondary ${describe(z)}`,
        () => new ZoneKeeper(z.origin, z.primaries, ctx.log, { accept }),
        (k) => k.stop(),
      );
      served.serve(z.origin, keeper);
      ctx.onStartup(() => keeper.start());
    }
    if (consumer) ctx.onShutdown(consumer.subscribe({ added: (zone, keeper) => served.serve(zone, keeper), removed: (zone) => served.drop(zone) }));
    ctx.onShutdown(() => served.close());
    ctx.offer('zoneSource', served.source);
    return createSecondary({
      zones: served.zones,
      keepers: served.keepers,
      fallthrough: config.fallthrough,
      resolve: (qname, qtype, via) => ctx.resolve(qname, qtype, via),
      last: ctx.plugins[ctx.plugins.length - 1] === 'secondary',
      log: ctx.log,
    });
  },
});
