import { classFromText, configError, rcodeFromText, type Token, typeFromText } from '@chaindns/core';
import { type ClassRule, type CnameRule, MATCH_TYPES, type MatchType, type Mode, normalizeName, type RcodeRule, type TtlRule, type TypeRule } from './config.js';
import { compilePattern } from './pattern.js';

/** `class FROM TO`: IN, CS, CH, HS, NONE or ANY. */
export function parseClassRule(mode: Mode, field: Token, args: readonly Token[]): ClassRule {
  const [from, to] = pair(field, args, 'class');
  return { field: 'class', mode, from: mnemonic(from, classFromText, 'class'), to: mnemonic(to, classFromText, 'class') };
}

/** `type FROM TO`: type mnemonics (`ANY`, `HINFO`, `AAAA`). */
export function parseTypeRule(mode: Mode, field: Token, args: readonly Token[]): TypeRule {
  const [from, to] = pair(field, args, 'type');
  return { field: 'type', mode, from: mnemonic(from, typeFromText, 'type'), to: mnemonic(to, typeFromText, 'type') };
}

function pair(field: Token, args: readonly Token[], what: string): [Token, Token] {
  if (args.length !== 2) configError(args[2] ?? args.at(-1) ?? field, `rewrite: ${what} rules must have exactly two arguments`);
  return [args[0]!, args[1]!];
}

function mnemonic(token: Token, lookup: (name: string) => number | undefined, what: string): number {
  const n = lookup(token.text);
  if (n === undefined) configError(token, `rewrite: invalid ${what} "${token.text.toUpperCase()}"`);
  return n;
}

/** `ttl [MATCH] NAME SECONDS|MIN-MAX`. */
export function parseTtlRule(mode: Mode, field: Token, args: readonly Token[]): TtlRule {
  if (args.length < 2) configError(args.at(-1) ?? field, `rewrite: too few (${args.length}) arguments for a ttl rule`);
  if (args.length > 3) configError(args[3]!, `rewrite: too many (${args.length}) arguments for a ttl rule`);
  const value = args.at(-1)!;
  const range = parseTtlRange(value.text);
  if (!range) configError(value, `rewrite: invalid TTL '${value.text}' for a ttl rule: expected SECONDS, MIN-MAX, MIN- or -MAX`);
  const { match, name } = matchedName(args.length === 3 ? args[0]! : null, args.length === 3 ? args[1]! : args[0]!, 'ttl');
  return { field: 'ttl', mode, match, name, min: range[0], max: range[1] };
}

const MAX_UINT32 = 0xffffffff;
/** The top of an open range (`30-`), as CoreDNS: the largest positive int32. */
const OPEN_MAX = 2147483647;

/** `30`, `30-300`, `30-` or `-300` as [min, max] seconds; null when malformed or empty (`-`). */
export function parseTtlRange(text: string): [number, number] | null {
  const parts = text.split('-');
  const num = (s: string): number | null => (/^\d+$/.test(s) && Number(s) <= MAX_UINT32 ? Number(s) : null);
  if (parts.length === 1) {
    const n = num(text);
    return n === null ? null : [n, n];
  }
  if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) return null;
  const min = parts[0] === '' ? 0 : num(parts[0]!);
  const max = parts[1] === '' ? OPEN_MAX : num(parts[1]!);
  return min === null || max === null || min > max ? null : [min, max];
}

/** `rcode [MATCH] NAME FROM TO`: FROM and TO by name or number (0 to 23). */
export function parseRcodeRule(mode: Mode, field: Token, args: readonly Token[]): RcodeRule {
  if (args.length < 3) configError(args.at(-1) ?? field, `rewrite: too few (${args.length}) arguments for a rcode rule`);
  if (args.length > 4) configError(args[4]!, `rewrite: too many (${args.length}) arguments for a rcode rule`);
  const [from, to] = args.slice(-2) as [Token, Token];
  const old = rcodeNumber(from);
  if (old === null) configError(from, `rewrite: invalid matching RCODE '${from.text}' for a rcode rule`);
  const replacement = rcodeNumber(to);
  if (replacement === null) configError(to, `rewrite: invalid replacement RCODE '${to.text}' for a rcode rule`);
  const { match, name } = matchedName(args.length === 4 ? args[0]! : null, args.length === 4 ? args[1]! : args[0]!, 'rcode');
  return { field: 'rcode', mode, match, name, from: old, to: replacement };
}

function rcodeNumber(token: Token): number | null {
  if (/^\d+$/.test(token.text)) return Number(token.text) <= 23 ? Number(token.text) : null;
  return rcodeFromText(token.text) ?? null;
}

/**
 * The name a ttl or rcode rule matches: normalized (lowercase FQDN) for
 * exact, prefix, suffix and substring, the expression for regex.
 */
function matchedName(typeToken: Token | null, nameToken: Token, rule: string): { match: MatchType; name: string } {
  const match = typeToken ? matchType(typeToken, rule) : 'exact';
  if (match !== 'regex') return { match, name: normalizeName(nameToken.text) };
  try {
    compilePattern(nameToken.text);
  } catch (err) {
    configError(nameToken, `rewrite: ${(err as Error).message} in a ${rule} rule`);
  }
  return { match, name: nameToken.text };
}

function matchType(token: Token, rule: string): MatchType {
  const type = token.text.toLowerCase();
  if (!(MATCH_TYPES as readonly string[]).includes(type)) configError(token, `rewrite: ${rule} rule supports only exact, prefix, suffix, substring, and regex name matching`);
  return type as MatchType;
}

/**
 * `cname [MATCH] FROM TO`. CoreDNS lowercases both; an exact rule's names
 * are FQDNs. A regex is kept as written (lowercasing would turn `\S` into `\s`).
 */
export function parseCnameRule(mode: Mode, field: Token, args: readonly Token[]): CnameRule {
  if (args.length !== 2 && args.length !== 3) configError(args[3] ?? args.at(-1) ?? field, `rewrite: a cname rule takes [exact|prefix|suffix|substring|regex] FROM TO, got ${args.length} arguments`);
  const match = args.length === 3 ? matchType(args[0]!, 'cname') : 'exact';
  const [from, to] = args.slice(-2) as [Token, Token];
  if (match === 'regex') {
    try {
      compilePattern(from.text);
    } catch (err) {
      configError(from, `rewrite: invalid cname rewrite regex pattern: ${(err as Error).message}`);
    }
    return { field: 'cname', mode, match, from: from.text, to: to.text.toLowerCase() };
  }
  if (match === 'exact') return { field: 'cname', mode, match, from: normalizeName(from.text), to: normalizeName(to.text) };
  return { field: 'cname', mode, match, from: from.text.toLowerCase(), to: to.text.toLowerCase() };
}
