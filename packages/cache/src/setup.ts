import { configError, definePlugin, type Directive, eachSubdirective, expectArgs, expectNoBlock, normalizeZone, parseChoice, parseDuration, parseInteger, parseZones, type Token } from '@chaindns/core';
import { Cache } from './cache.js';
import { cacheMetrics } from './metrics.js';

/** The limits of one of the two caches. TTLs in seconds. */
export interface KindConfig {
  readonly capacity: number;
  readonly maxTtl: number;
  readonly minTtl: number;
}

export interface CacheConfig {
  /** Only names in these zones are cached (lowercased FQDNs). */
  readonly zones: readonly string[];
  readonly success: KindConfig;
  readonly denial: KindConfig;
  /** Null when off (no `prefetch`, or AMOUNT 0). */
  readonly prefetch: { readonly amount: number; readonly durationMs: number; readonly percentage: number } | null;
  /** Null when off (no `serve_stale`, or DURATION 0). */
  readonly serveStale: { readonly durationMs: number; readonly mode: 'immediate' | 'verify' } | null;
  /** How long a SERVFAIL is cached, in seconds; 0: never. */
  readonly servfailTtl: number;
  /** Zones whose answers (success) or denials are never cached. */
  readonly disable: { readonly success: readonly string[]; readonly denial: readonly string[] };
  readonly keepTtl: boolean;
}

/** CoreDNS's defaults: 9984 entries a kind, TTLs 5..3600 (answers) and 5..1800 (denials), SERVFAIL 5s. */
export const DEFAULT_CAPACITY = 9984;
const MAX_TTL = 3600;
const MAX_DENIAL_TTL = 1800;
const MIN_TTL = 5;
const SERVFAIL_TTL = 5;
const MAX_SERVFAIL_MS = 5 * 60_000;

/** A Go duration, or a bare `0` (which Go's ParseDuration also takes). */
function goDuration(token: Token): number {
  return token.text === '0' ? 0 : parseDuration(token);
}

function ttlArg(token: Token, what: string, min: number): number {
  if (!/^-?\d+$/.test(token.text)) configError(token, `cache: ${what} must be a number of seconds, got "${token.text}"`);
  const n = Number(token.text);
  if (n < min) configError(token, min > 0 ? `cache: ${what} can not be zero or negative: ${n}` : `cache: ${what} can not be negative: ${n}`);
  return n;
}

function kindConfig(sub: Directive, base: KindConfig): KindConfig {
  const [cap, ttl, minTtl] = expectArgs(sub, 1, 3);
  expectNoBlock(sub);
  return {
    capacity: parseInteger(cap!, 1, 2 ** 31),
    maxTtl: ttl ? ttlArg(ttl, 'TTL', 1) : base.maxTtl,
    minTtl: minTtl ? ttlArg(minTtl, 'MINTTL', 0) : base.minTtl,
  };
}

/** `cache [TTL] [ZONES...] { success, denial, prefetch, serve_stale, servfail, disable, keepttl }`, as CoreDNS's. */
export function parseCache(d: Directive, blockZones: readonly string[]): CacheConfig {
  let args = d.args;
  let maxTtl = MAX_TTL;
  let maxDenialTtl = MAX_DENIAL_TTL;
  if (args[0] && /^-?\d+$/.test(args[0].text)) {
    maxTtl = maxDenialTtl = ttlArg(args[0], 'TTL', 1);
    args = args.slice(1);
  }
  const zones = parseZones(args, blockZones);
  let success: KindConfig = { capacity: DEFAULT_CAPACITY, maxTtl, minTtl: MIN_TTL };
  let denial: KindConfig = { capacity: DEFAULT_CAPACITY, maxTtl: maxDenialTtl, minTtl: MIN_TTL };
  let prefetch: CacheConfig['prefetch'] = null;
  let serveStale: CacheConfig['serveStale'] = null;
  let servfailTtl = SERVFAIL_TTL;
  const disable: { success: string[]; denial: string[] } = { success: [], denial: [] };
  let keepTtl = false;

  eachSubdirective(
    d,
    {
      success: (sub) => (success = kindConfig(sub, success)),
      denial: (sub) => (denial = kindConfig(sub, denial)),
      prefetch: (sub) => {
        const [amount, duration, percentage] = expectArgs(sub, 1, 3);
        expectNoBlock(sub);
        const n = parseInteger(amount!, 0);
        const durationMs = duration ? parseDuration(duration, { min: 1 }) : 60_000;
        let pct = 10;
        if (percentage) {
          if (!percentage.text.endsWith('%')) configError(percentage, `cache: last character of percentage should be \`%\`, but is: "${percentage.text.slice(-1)}"`);
          pct = Number(percentage.text.slice(0, -1));
          if (!/^\d+%$/.test(percentage.text) || pct < 10 || pct > 90) configError(percentage, `cache: percentage should fall in range [10, 90]: ${percentage.text}`);
        }
        prefetch = n > 0 ? { amount: n, durationMs, percentage: pct } : null;
      },
      serve_stale: (sub) => {
        const [duration, mode] = expectArgs(sub, 0, 2);
        expectNoBlock(sub);
        const durationMs = duration ? goDuration(duration) : 3_600_000;
        const refresh = mode ? parseChoice(mode, ['immediate', 'verify'] as const) : 'immediate';
        serveStale = durationMs > 0 ? { durationMs, mode: refresh } : null;
      },
      servfail: (sub) => {
        const [duration] = expectArgs(sub, 1, 1);
        expectNoBlock(sub);
        const ms = goDuration(duration!);
        if (ms > MAX_SERVFAIL_MS) configError(duration!, 'cache: caching SERVFAIL responses over 5 minutes is not permitted');
        if (ms > 0 && ms < 1000) configError(duration!, 'cache: servfail DURATION must be 0 or at least 1s (TTLs count whole seconds)');
        servfailTtl = Math.floor(ms / 1000);
      },
      disable: (sub) => {
        const [kind, ...names] = expectArgs(sub, 1);
        expectNoBlock(sub);
        const which = parseChoice(kind!, ['success', 'denial'] as const);
        disable[which].push(...(names.length ? names.flatMap(normalizeZone) : ['.']));
      },
      keepttl: (sub) => {
        expectArgs(sub, 0, 0);
        expectNoBlock(sub);
        keepTtl = true;
      },
    },
    ['disable'],
  );
  return { zones, success, denial, prefetch, serveStale, servfailTtl, disable, keepTtl };
}

export const cache = definePlugin<CacheConfig>({
  name: 'cache',
  parse: (d, ctx) => parseCache(d, ctx.zones),
  setup(config, ctx) {
    const handler = new Cache(config, { log: ctx.log, outbound: ctx.outbound });
    ctx.onShutdown(cacheMetrics(ctx.registry).track(handler.source));
    return handler;
  },
});
