import { RE2JS } from 're2js';
import { ExprError, type ExprType, type ExprValue, typeOf } from './types.js';

/** A compiled node: its type as known now, whether it is the same on every run, and how to run it. */
export interface Compiled<C> {
  readonly type: ExprType;
  readonly constant: boolean;
  readonly run: (ctx: C) => ExprValue;
}

function compileError(message: string): never {
  throw new ExprError('compile', message);
}

function runError(message: string): never {
  throw new ExprError('run', message);
}

/** The value must be of `want`: known now when the type is, else checked when it runs. */
function expect(op: string, c: { type: ExprType }, want: ExprType): void {
  if (c.type !== want && c.type !== 'any') compileError(`invalid operation: ${op} on ${c.type} (${want} expected)`);
}

function bool(op: string, v: ExprValue): boolean {
  return typeof v === 'boolean' ? v : runError(`invalid operation: ${op} on ${typeOf(v)} (bool expected)`);
}

function number(op: string, v: ExprValue): number {
  return typeof v === 'number' ? v : runError(`invalid operation: ${op} on ${typeOf(v)} (number expected)`);
}

function string(op: string, v: ExprValue): string {
  return typeof v === 'string' ? v : runError(`invalid operation: ${op} on ${typeOf(v)} (string expected)`);
}

export function unaryOperator<C>(op: string, arg: Compiled<C>): Compiled<C> {
  const a = arg.run;
  const constant = arg.constant;
  switch (op) {
    case '!':
    case 'not':
      expect(op, arg, 'bool');
      return { type: 'bool', constant, run: (ctx) => !bool(op, a(ctx)) };
    case '-':
      expect(op, arg, 'number');
      return { type: 'number', constant, run: (ctx) => -number(op, a(ctx)) };
    case '+':
      expect(op, arg, 'number');
      return { type: 'number', constant, run: (ctx) => number(op, a(ctx)) };
    default:
      return compileError(`unknown operator ${op}`);
  }
}

/** Equal values: same type and value, arrays element by element (Go's reflect.DeepEqual on these values). */
export function equal(a: ExprValue, b: ExprValue): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!equal(a[i] as ExprValue, b[i] as ExprValue)) return false;
  return true;
}

/** A table's own entry, never a property of Object.prototype (`constructor`). */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const ARITHMETIC: Readonly<Record<string, (a: number, b: number) => number>> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => {
    if (!Number.isInteger(a) || !Number.isInteger(b)) runError('invalid operation: % on non-integers');
    if (b === 0) runError('integer divide by zero');
    return a % b;
  },
  '**': (a, b) => a ** b,
  '^': (a, b) => a ** b,
};

const ORDER: Readonly<Record<string, (c: number) => boolean>> = {
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

const STRING_TESTS: Readonly<Record<string, (a: string, b: string) => boolean>> = {
  contains: (a, b) => a.includes(b),
  startsWith: (a, b) => a.startsWith(b),
  endsWith: (a, b) => a.endsWith(b),
};

/** `+` and the orderings take two strings or two numbers. */
function stringsOrNumbers(a: ExprValue, b: ExprValue): boolean {
  return (typeof a === 'string' && typeof b === 'string') || (typeof a === 'number' && typeof b === 'number');
}

function mismatched(op: string, a: string, b: string): string {
  return `invalid operation: ${op} (mismatched types ${a} and ${b})`;
}

export function binaryOperator<C>(op: string, left: Compiled<C>, right: Compiled<C>): Compiled<C> {
  const [l, r] = [left.run, right.run];
  const constant = left.constant && right.constant;
  /** The two-sided runner of every operator that takes both values (all but `&&` and `||`). */
  const both = (type: ExprType, apply: (a: ExprValue, b: ExprValue) => ExprValue): Compiled<C> => ({ type, constant, run: (ctx) => apply(l(ctx), r(ctx)) });
  switch (op) {
    case '||':
    case 'or':
    case '&&':
    case 'and': {
      expect(op, left, 'bool');
      expect(op, right, 'bool');
      const or = op === '||' || op === 'or';
      return { type: 'bool', constant, run: (ctx) => (bool(op, l(ctx)) === or ? or : bool(op, r(ctx))) };
    }
    case '==':
    case '!=': {
      const known = (t: ExprType): boolean => t !== 'any' && t !== 'nil';
      if (known(left.type) && known(right.type) && left.type !== right.type) compileError(mismatched(op, left.type, right.type));
      const want = op === '==';
      return both('bool', (a, b) => equal(a, b) === want);
    }
    case 'in':
    case 'not in': {
      const notArray = (type: string): string => `invalid operation: ${op} needs an array on its right, got ${type}`;
      if (right.type !== 'array' && right.type !== 'any') compileError(notArray(right.type));
      const want = op === 'in';
      return both('bool', (a, b) => (Array.isArray(b) ? (b as readonly ExprValue[]).some((v) => equal(a, v)) === want : runError(notArray(typeOf(b)))));
    }
  }
  const order = own(ORDER, op);
  if (op === '+' || order) {
    if (left.type !== 'any' && right.type !== 'any' && (left.type !== right.type || (left.type !== 'string' && left.type !== 'number'))) {
      compileError(mismatched(op, left.type, right.type));
    }
    const checked = (apply: (a: string | number, b: string | number) => ExprValue) => (a: ExprValue, b: ExprValue) =>
      stringsOrNumbers(a, b) ? apply(a as string | number, b as string | number) : runError(mismatched(op, typeOf(a), typeOf(b)));
    if (order) return both('bool', checked((a, b) => order(a < b ? -1 : a > b ? 1 : 0)));
    // Both strings or both numbers (checked): JS's + joins them or adds them.
    return both(left.type === 'any' ? right.type : left.type, checked((a, b) => (a as string) + (b as string)));
  }
  const arithmetic = own(ARITHMETIC, op);
  if (arithmetic) {
    expect(op, left, 'number');
    expect(op, right, 'number');
    return both('number', (a, b) => arithmetic(number(op, a), number(op, b)));
  }
  const test = own(STRING_TESTS, op);
  if (test) {
    expect(op, left, 'string');
    expect(op, right, 'string');
    return both('bool', (a, b) => test(string(op, a), string(op, b)));
  }
  return compileError(`unknown operator ${op}`);
}

/** The longest pattern `matches` compiles (as template's `match`). */
const MAX_PATTERN_LENGTH = 10000;

/**
 * `matches`: Go's regexp syntax (RE2) on re2js, in time linear in the text
 * whatever the pattern, so a query name cannot make it backtrack. A constant
 * pattern compiles now (a bad one is a compile error); one computed per query
 * compiles when it runs, the last one kept.
 */
export function matchesOperator<C>(left: Compiled<C>, right: Compiled<C>): Compiled<C> {
  expect('matches', left, 'string');
  expect('matches', right, 'string');
  const l = left.run;
  if (right.constant) {
    const re = regex(string('matches', right.run(undefined as C)), compileError);
    return { type: 'bool', constant: left.constant, run: (ctx) => re.test(string('matches', l(ctx))) };
  }
  const r = right.run;
  let last: { source: string; re: RE2JS } | null = null;
  return {
    type: 'bool',
    constant: false,
    run(ctx) {
      const text = string('matches', l(ctx));
      const source = string('matches', r(ctx));
      if (last?.source !== source) last = { source, re: regex(source, runError) };
      return last.re.test(text);
    },
  };
}

function regex(source: string, fail: (message: string) => never): RE2JS {
  if (source.length > MAX_PATTERN_LENGTH) fail(`regex pattern too long: ${source.length} > ${MAX_PATTERN_LENGTH}`);
  try {
    return RE2JS.compile(source);
  } catch (err) {
    const message = (err as Error).message;
    return fail(message.startsWith('error parsing regexp') ? message : `error parsing regexp: ${message}`);
  }
}
