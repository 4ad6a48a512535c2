/**
 * A value of the expression language: what literals, variables and functions
 * give. Never an object: an expression reaches no JavaScript object, its
 * properties or its prototype.
 */
export type ExprValue = string | number | boolean | null | readonly ExprValue[];

/** What the checker knows of a value when the expression compiles; `any` is checked when it runs. */
export type ExprType = 'string' | 'number' | 'bool' | 'array' | 'nil' | 'any';

/**
 * A function an expression may call. `call` gets the caller's per-evaluation
 * context first (the query), then the arguments, already checked against
 * `params` where their types are known when the expression compiles.
 */
export interface ExprFunction<C> {
  /** The parameters' types; `any` takes every value. */
  readonly params: readonly ExprType[];
  /** How many of the last `params` may be left out (default 0). */
  readonly optional?: number;
  /** When set, any number of further arguments of this type. */
  readonly rest?: ExprType;
  readonly returns: ExprType;
  call(ctx: C, ...args: ExprValue[]): ExprValue;
}

/** A name an expression may read (`num > 1`): its type and how to get its value from the context. */
export interface ExprVariable<C> {
  readonly type: ExprType;
  get(ctx: C): ExprValue;
}

/** What the caller lets an expression use, besides the built-in functions. */
export interface ExprEnvironment<C> {
  /** Shadow built-in functions of the same name (as CoreDNS's `type()` does). */
  readonly functions?: ReadonlyMap<string, ExprFunction<C>>;
  readonly variables?: ReadonlyMap<string, ExprVariable<C>>;
}

/** An expression that compiled: `evaluate` throws an ExprError when it fails on the context it is given. */
export interface CompiledExpr<C> {
  readonly source: string;
  /** The type of its result, as far as it is known when it compiles. */
  readonly type: ExprType;
  evaluate(ctx: C): ExprValue;
}

/**
 * An expression that does not compile (`phase` 'compile': refuse the
 * Corefile, at the directive's file:line) or failed when it ran ('run': the
 * caller decides: false for a view, SERVFAIL for a template).
 */
export class ExprError extends Error {
  constructor(
    readonly phase: 'compile' | 'run',
    message: string,
  ) {
    super(message);
    this.name = 'ExprError';
  }
}

/** The name of a value's type, as the messages say it. */
export function typeOf(v: ExprValue): ExprType {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    default:
      return 'bool';
  }
}
