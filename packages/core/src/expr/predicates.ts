import type { Compiled } from './operators.js';
import { ExprError, type ExprType, type ExprValue, typeOf } from './types.js';

type Run<C> = (ctx: C) => ExprValue;

/** A predicate built-in: `name(array, body)`, the body run once per element with `#` set to it. */
interface Predicate {
  readonly returns: ExprType;
  build<C>(name: string, array: Run<C>, body: Compiled<C>, cell: { value: ExprValue }): Run<C>;
}

/**
 * Runs `body` on each element of the array until `visit` says stop. The
 * element cell is restored afterwards, so that a predicate inside another's
 * body sees its own `#` and the outer one gets its own back.
 */
function each<C>(name: string, array: Run<C>, body: Run<C>, cell: { value: ExprValue }, ctx: C, visit: (v: ExprValue, result: ExprValue, i: number) => boolean): void {
  const list = array(ctx);
  if (!Array.isArray(list)) throw new ExprError('run', `${name}(): argument 1 must be array, got ${typeOf(list)}`);
  const outer = cell.value;
  try {
    for (let i = 0; i < list.length; i++) {
      const v = (list as readonly ExprValue[])[i]!;
      cell.value = v;
      if (!visit(v, body(ctx), i)) return;
    }
  } finally {
    cell.value = outer;
  }
}

function truth(name: string, v: ExprValue): boolean {
  if (typeof v !== 'boolean') throw new ExprError('run', `${name}(): the predicate must give bool, got ${typeOf(v)}`);
  return v;
}

/** A predicate whose body must be bool; `fold` sees each element's truth and gives the result. */
function boolPredicate(returns: ExprType, fold: <C>(name: string, array: Run<C>, body: Run<C>, cell: { value: ExprValue }, ctx: C) => ExprValue): Predicate {
  return {
    returns,
    build(name, array, body, cell) {
      if (body.type !== 'bool' && body.type !== 'any') throw new ExprError('compile', `${name}(): the predicate must give bool, got ${body.type}`);
      const run = body.run;
      return (ctx) => fold(name, array, run, cell, ctx);
    },
  };
}

/** expr-lang's predicates: `any(list, incidr(ip, #))`. */
export const PREDICATES: ReadonlyMap<string, Predicate> = new Map<string, Predicate>([
  [
    'all',
    boolPredicate('bool', (name, array, body, cell, ctx) => {
      let all = true;
      each(name, array, body, cell, ctx, (_v, r) => (all = truth(name, r)));
      return all;
    }),
  ],
  [
    'any',
    boolPredicate('bool', (name, array, body, cell, ctx) => {
      let any = false;
      each(name, array, body, cell, ctx, (_v, r) => !(any = truth(name, r)));
      return any;
    }),
  ],
  [
    'none',
    boolPredicate('bool', (name, array, body, cell, ctx) => {
      let none = true;
      each(name, array, body, cell, ctx, (_v, r) => (none = !truth(name, r)));
      return none;
    }),
  ],
  [
    'one',
    boolPredicate('bool', (name, array, body, cell, ctx) => {
      let count = 0;
      each(name, array, body, cell, ctx, (_v, r) => (count += Number(truth(name, r))) < 2);
      return count === 1;
    }),
  ],
  [
    'count',
    boolPredicate('number', (name, array, body, cell, ctx) => {
      let count = 0;
      each(name, array, body, cell, ctx, (_v, r) => ((count += Number(truth(name, r))), true));
      return count;
    }),
  ],
  [
    'filter',
    boolPredicate('array', (name, array, body, cell, ctx) => {
      const out: ExprValue[] = [];
      each(name, array, body, cell, ctx, (v, r) => (truth(name, r) && out.push(v), true));
      return out;
    }),
  ],
  [
    'find',
    boolPredicate('any', (name, array, body, cell, ctx) => {
      let found: ExprValue = null;
      each(name, array, body, cell, ctx, (v, r) => !(truth(name, r) && ((found = v), true)));
      return found;
    }),
  ],
  [
    'findIndex',
    boolPredicate('number', (name, array, body, cell, ctx) => {
      let found = -1;
      each(name, array, body, cell, ctx, (_v, r, i) => !(truth(name, r) && ((found = i), true)));
      return found;
    }),
  ],
  [
    'map',
    {
      returns: 'array',
      build(name, array, body, cell) {
        const run = body.run;
        return (ctx) => {
          const out: ExprValue[] = [];
          each(name, array, run, cell, ctx, (_v, r) => (out.push(r), true));
          return out;
        };
      },
    },
  ],
]);
