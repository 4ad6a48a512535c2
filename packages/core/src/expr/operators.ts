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

export function binaryOperator<C>(op: string, left: Compiled<C>, right: Compiled<C>): Compiled<C> {
  const [l, r] = [left.run, right.run];
  const constant = left.constant && right.constant;
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
      if (known(left.type) && known(right.type) && left.type !== right.type) compileError(`invalid operation: ${op} (mismatched types ${left.type} and ${right.type})`);
      const want = op === '==';
      return { type: 'bool', constant, run: (ctx) => equal(l(ctx), r(ctx)) === want };
    }
    case '+': {
      if (left.type !== 'any' && right.type !== 'any' && (left.type !== right.type || (left.type !== 'string' && left.type !== 'number'))) {
        compileError(`invalid operation: + (mismatched types ${left.type} and ${right.type})`);
      }
      const type = left.type === 'any' ? right.type : left.type;
      return {
        type,
        constant,
        run(ctx) {
          const a = l(ctx);
          const b = r(ctx);
          if (typeof a === 'string' && typeof b === 'string') return a + b;
          if (typeof a === 'number' && typeof b === 'number') return a + b;
          return runError(`invalid operation: + (mismatched types ${typeOf(a)} and ${typeOf(b)})`);
        },
      };
    }
    case 'in':
    case 'not in': {
      if (right.type !== 'array' && right.type !== 'any') compileError(`invalid operation: ${op} needs an array on its right, got ${right.type}`);
      const want = op === 'in';
      return {
        type: 'bool',
        constant,
        run(ctx) {
          const a = l(ctx);
          const b = r(ctx);
          if (!Array.isArray(b)) return runError(`invalid operation: ${op} needs an array on its right, got ${typeOf(b)}`);
          return (b as readonly ExprValue[]).some((v) => equal(a, v)) === want;
        },
      };
    }
  }
  const arithmetic = own(ARITHMETIC, op);
  if (arithmetic) {
    expect(op, left, 'number');
    expect(op, right, 'number');
    return { type: 'number', constant, run: (ctx) => arithmetic(number(op, l(ctx)), number(op, r(ctx))) };
  }
  const order = own(ORDER, op);
  if (order) {
    if (left.type !== 'any' && right.type !== 'any' && (left.type !== right.type || (left.type !== 'string' && left.type !== 'number'))) {
      compileError(`invalid operation: ${op} (mismatched types ${left.type} and ${right.type})`);
    }
    return {
      type: 'bool',
      constant,
      run(ctx) {
        const a = l(ctx);
        const b = r(ctx);
        if ((typeof a === 'string' && typeof b === 'string') || (typeof a === 'number' && typeof b === 'number')) return order(a < b ? -1 : a > b ? 1 : 0);
        return runError(`invalid operation: ${op} (mismatched types ${typeOf(a)} and ${typeOf(b)})`);
      },
    };
  }
  const test = own(STRING_TESTS, op);
  if (test) {
    expect(op, left, 'string');
    expect(op, right, 'string');
    return { type: 'bool', constant, run: (ctx) => test(string(op, l(ctx)), string(op, r(ctx))) };
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
