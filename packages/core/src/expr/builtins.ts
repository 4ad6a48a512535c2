import { ExprError, type ExprFunction, type ExprType, type ExprValue, typeOf } from './types.js';

/** A built-in: no context, checked arguments. */
const fn = (params: readonly ExprType[], returns: ExprType, call: (...args: ExprValue[]) => ExprValue, more: { optional?: number; rest?: ExprType } = {}): ExprFunction<unknown> => ({
  params,
  returns,
  ...more,
  call: (_ctx, ...args) => call(...args),
});

export function fail(message: string): never {
  throw new ExprError('run', message);
}

export function str(v: ExprValue, fn: string): string {
  return typeof v === 'string' ? v : fail(`${fn}: expected string, got ${typeOf(v)}`);
}

export function num(v: ExprValue, fn: string): number {
  return typeof v === 'number' ? v : fail(`${fn}: expected number, got ${typeOf(v)}`);
}

export function list(v: ExprValue, fn: string): readonly ExprValue[] {
  return Array.isArray(v) ? (v as readonly ExprValue[]) : fail(`${fn}: expected array, got ${typeOf(v)}`);
}

/** A value as Go's fmt prints it (`[a b]` for an array, `<nil>` for nil). */
export function printValue(v: ExprValue): string {
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${(v as readonly ExprValue[]).map(printValue).join(' ')}]`;
  return String(v);
}

/** Go's strconv.Atoi: an optional sign and decimal digits, nothing else. */
function toInt(v: ExprValue): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string') {
    if (!/^[+-]?[0-9]+$/.test(v)) fail(`int: invalid syntax: ${JSON.stringify(v)}`);
    return Number(v);
  }
  return fail(`int: cannot convert ${typeOf(v)} to int`);
}

function toFloat(v: ExprValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? Number(v) : NaN;
    return Number.isNaN(n) ? fail(`float: invalid syntax: ${JSON.stringify(v)}`) : n;
  }
  return fail(`float: cannot convert ${typeOf(v)} to float`);
}

/** Go's strings.Trim family: `cutset` is a set of characters. */
function trim(s: string, cutset: string, left: boolean, right: boolean): string {
  let a = 0;
  let b = s.length;
  while (left && a < b && cutset.includes(s[a]!)) a++;
  while (right && b > a && cutset.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function extreme(name: string, pick: (a: number, b: number) => number) {
  return fn(['number'], 'number', (...args) => args.map((a) => num(a, name)).reduce((a, b) => pick(a, b)), { rest: 'number' });
}

/**
 * expr-lang's built-in functions that fit a DNS server's expressions: the
 * string, number, conversion and array ones. Those that can make a value of
 * any size from a small one (`repeat`), read the clock or the environment, or
 * take maps are not here. The predicates (`all`, `any`, ...) are compiled
 * apart, since their second argument runs once per element.
 */
export const BUILTINS: ReadonlyMap<string, ExprFunction<unknown>> = new Map([
  [
    'len',
    fn(['any'], 'number', (v) => {
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      return fail(`len: invalid argument of type ${typeOf(v)}`);
    }),
  ],
  ['lower', fn(['string'], 'string', (s) => str(s, 'lower').toLowerCase())],
  ['upper', fn(['string'], 'string', (s) => str(s, 'upper').toUpperCase())],
  ['trim', fn(['string', 'string'], 'string', (s, c) => trim(str(s, 'trim'), c === undefined ? ' \t\n\r\v\f' : str(c, 'trim'), true, true), { optional: 1 })],
  ['trimPrefix', fn(['string', 'string'], 'string', (s, p) => (str(s, 'trimPrefix').startsWith(str(p, 'trimPrefix')) ? (s as string).slice((p as string).length) : (s as string)))],
  ['trimSuffix', fn(['string', 'string'], 'string', (s, p) => (str(s, 'trimSuffix').endsWith(str(p, 'trimSuffix')) && (p as string) !== '' ? (s as string).slice(0, -(p as string).length) : (s as string)))],
  ['hasPrefix', fn(['string', 'string'], 'bool', (s, p) => str(s, 'hasPrefix').startsWith(str(p, 'hasPrefix')))],
  ['hasSuffix', fn(['string', 'string'], 'bool', (s, p) => str(s, 'hasSuffix').endsWith(str(p, 'hasSuffix')))],
  ['indexOf', fn(['string', 'string'], 'number', (s, p) => str(s, 'indexOf').indexOf(str(p, 'indexOf')))],
  ['lastIndexOf', fn(['string', 'string'], 'number', (s, p) => str(s, 'lastIndexOf').lastIndexOf(str(p, 'lastIndexOf')))],
  ['replace', fn(['string', 'string', 'string'], 'string', (s, a, b) => str(s, 'replace').split(str(a, 'replace')).join(str(b, 'replace')))],
  [
    'split',
    fn(
      ['string', 'string', 'number'],
      'array',
      (s, sep, n) => {
        const parts = str(s, 'split').split(str(sep, 'split'));
        if (n === undefined || num(n, 'split') < 0 || parts.length <= (n as number)) return parts;
        if (n === 0) return [];
        // Go's SplitN: the last part holds the rest, separators and all.
        return [...parts.slice(0, (n as number) - 1), parts.slice((n as number) - 1).join(sep as string)];
      },
      { optional: 1 },
    ),
  ],
  ['join', fn(['array', 'string'], 'string', (a, sep) => list(a, 'join').map((v) => str(v, 'join')).join(sep === undefined ? '' : str(sep, 'join')), { optional: 1 })],
  ['int', fn(['any'], 'number', toInt)],
  ['float', fn(['any'], 'number', toFloat)],
  ['string', fn(['any'], 'string', printValue)],
  ['abs', fn(['number'], 'number', (n) => Math.abs(num(n, 'abs')))],
  ['ceil', fn(['number'], 'number', (n) => Math.ceil(num(n, 'ceil')))],
  ['floor', fn(['number'], 'number', (n) => Math.floor(num(n, 'floor')))],
  ['round', fn(['number'], 'number', (n) => Math.sign(num(n, 'round')) * Math.round(Math.abs(n as number)))],
  ['max', extreme('max', Math.max)],
  ['min', extreme('min', Math.min)],
  ['first', fn(['array'], 'any', (a) => list(a, 'first')[0] ?? null)],
  ['last', fn(['array'], 'any', (a) => list(a, 'last').at(-1) ?? null)],
]);
