import { CorefileError } from '../errors.js';
import type { Directive, Token } from './types.js';
import { reverseZones } from './keys.js';

/** Throws a CorefileError pointing at `at` (a token or a directive). */
export function configError(at: Token | Directive, message: string): never {
  const token = 'token' in at ? at.token : at;
  throw new CorefileError('CHAINDNS_DIRECTIVE_ARGS', token.file, token.line, message);
}

/**
 * Throws a CorefileError at `token` whose message starts with the directive
 * it belongs to (`kubernetes: ttl: `), so no plugin has to name itself.
 */
function argError(token: Token, message: string): never {
  configError(token, token.directive ? `${token.directive.join(': ')}: ${message}` : message);
}

/** The directive's place for messages: `kubernetes: ttl` for `ttl` inside `kubernetes`. */
function nameOf(d: Directive): string {
  return d.token.directive?.join(': ') ?? d.name;
}

/** The directive's arguments, checked to number between `min` and `max` (default: no upper bound). */
export function expectArgs(d: Directive, min: number, max = Infinity): readonly Token[] {
  const n = d.args.length;
  if (n < min || n > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    configError(d, `${nameOf(d)}: expected ${want} argument${/^(at least )?1$/.test(want) ? '' : 's'}, got ${n}`);
  }
  return d.args;
}

/** Fails when the directive has a `{ ... }` block it does not take. */
export function expectNoBlock(d: Directive): void {
  if (d.block) configError(d, `${nameOf(d)}: takes no block`);
}

/**
 * Walks a directive's block, calling the handler registered for each
 * sub-directive. Unknown names fail with the list of known ones; a name seen
 * twice fails unless it is listed in `repeatable`.
 */
export function eachSubdirective(d: Directive, handlers: Readonly<Record<string, (sub: Directive) => void>>, repeatable: readonly string[] = []): void {
  const seen = new Set<string>();
  for (const sub of d.block ?? []) {
    const handle = handlers[sub.name];
    if (!handle) configError(sub, `${nameOf(d)}: unknown property "${sub.name}", expected one of: ${Object.keys(handlers).join(', ')}`);
    if (seen.has(sub.name) && !repeatable.includes(sub.name)) configError(sub, `${nameOf(d)}: "${sub.name}" given more than once`);
    seen.add(sub.name);
    handle(sub);
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go duration (`5s`, `1m30s`, `250ms`, `1h`) in milliseconds. With
 * `bareSeconds`, a plain integer counts as seconds (as CoreDNS's TTL options).
 */
export function parseDuration(token: Token, options: { bareSeconds?: boolean; min?: number; max?: number } = {}): number {
  const text = token.text;
  let ms: number;
  if (options.bareSeconds && /^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const parts = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)/g) : null;
    if (!parts) argError(token, `expected a duration such as 5s, 1m or 250ms, got "${text}"`);
    ms = 0;
    for (const p of parts) {
      const [, num, unit] = /^(\d+(?:\.\d+)?)(\D+)$/.exec(p)!;
      ms += Number(num) * UNIT_MS[unit!]!;
    }
  }
  if (options.min !== undefined && ms < options.min) argError(token, `duration ${text} is below the minimum of ${options.min}ms`);
  if (options.max !== undefined && ms > options.max) argError(token, `duration ${text} is above the maximum of ${options.max}ms`);
  return ms;
}

/** An integer within [min, max]. */
export function parseInteger(token: Token, min = -Infinity, max = Infinity): number {
  if (!/^-?\d+$/.test(token.text)) argError(token, `expected an integer, got "${token.text}"`);
  const n = Number(token.text);
  if (n < min || n > max) argError(token, `${token.text} is out of range: expected ${min} to ${max}`);
  return n;
}

/** One of a closed list of words. */
export function parseChoice<T extends string>(token: Token, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(token.text)) argError(token, `expected one of ${choices.join(', ')}, got "${token.text}"`);
  return token.text as T;
}

/** Normalizes a zone as written (`Example.org`, `10.0.0.0/24`) into lowercased FQDNs. */
export function normalizeZone(token: Token): string[] {
  const text = token.text;
  if (text.includes('/')) {
    const zones = reverseZones(text);
    if (!zones) argError(token, `"${text}" is not a valid CIDR`);
    return zones;
  }
  if (!/^[^\s:/]+$/.test(text) && text !== '.') argError(token, `"${text}" is not a valid zone`);
  const lower = text.toLowerCase();
  return [lower.endsWith('.') ? lower : lower + '.'];
}

/**
 * A plugin's zone arguments, normalized; with none given, the server
 * block's zones (as CoreDNS plugins do).
 */
export function parseZones(tokens: readonly Token[], blockZones: readonly string[]): string[] {
  if (tokens.length === 0) return [...blockZones];
  return tokens.flatMap(normalizeZone);
}

/**
 * `fallthrough [ZONES...]`: the zones under which a plugin passes on what it
 * cannot answer; all (`.`) when none are given (CoreDNS's plugin/pkg/fall).
 */
export function parseFallthrough(d: Directive): string[] {
  return d.args.length === 0 ? ['.'] : d.args.flatMap(normalizeZone);
}

/** True when `qname` is under one of the `fallthrough` zones (null: fallthrough is off). */
export function fallsThrough(zones: readonly string[] | null, qname: string): boolean {
  return zones !== null && zones.some((z) => isSubdomain(qname, z));
}

/** The most specific zone among `zones` that contains `qname` (both lowercased FQDNs), or null. */
export function matchZone(zones: readonly string[], qname: string): string | null {
  let best: string | null = null;
  for (const z of zones) {
    if (isSubdomain(qname, z) && (best === null || z.length > best.length)) best = z;
  }
  return best;
}

/** True when `name` is `zone` or below it (lowercased FQDNs). */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === '.') return true;
  return name === zone || (name.endsWith(zone) && name.charCodeAt(name.length - zone.length - 1) === 0x2e);
}
