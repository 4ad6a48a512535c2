import type jsep from 'jsep';
import { BUILTINS } from './builtins.js';
import { binaryOperator, type Compiled, matchesOperator, unaryOperator } from './operators.js';
import { parseExpression } from './parse.js';
import { PREDICATES } from './predicates.js';
import { type CompiledExpr, type ExprEnvironment, ExprError, type ExprFunction, type ExprType, type ExprValue, typeOf } from './types.js';

/** How deep an expression's tree may go: past it, a Corefile line is no longer an expression anyone writes. */
const MAX_DEPTH = 256;

/** The names an expression may not give a variable: literals, word operators, builtins. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['true', 'false', 'nil', 'not', 'and', 'or', 'in', 'matches', 'contains', 'startsWith', 'endsWith', 'let', 'if', 'else', 'this', ...BUILTINS.keys(), ...PREDICATES.keys()]);

/**
 * Compiles `source` (expr-lang's syntax, the subset chaindns runs) against
 * `env`: the functions and variables it may use, besides the built-ins. Every
 * name, call and operator is checked now; a type mismatch known now (`'x' + 1`)
 * is refused now, one known only from a value (a function's `any` result) when
 * it runs. Throws ExprError('compile').
 */
export function compileExpression<C>(source: string, env: ExprEnvironment<C> = {}): CompiledExpr<C> {
  const tree = parseExpression(source);
  const compiler = new Compiler(env);
  const root = compiler.node(tree, 0);
  const run = root.run;
  return {
    source,
    type: root.type,
    evaluate(ctx: C): ExprValue {
      try {
        return run(ctx);
      } catch (err) {
        if (err instanceof ExprError) throw err;
        // A JavaScript error from a caller's function, or a stack overflow: still the expression's failure.
        throw new ExprError('run', err instanceof Error ? err.message : String(err));
      }
    },
  };
}

class Compiler<C> {
  /** The cells the `#` of the predicates around the node being compiled read, innermost last. */
  private readonly elements: { value: ExprValue }[] = [];

  constructor(private readonly env: ExprEnvironment<C>) {}

  node(n: jsep.Expression, depth: number): Compiled<C> {
    if (depth > MAX_DEPTH) throw new ExprError('compile', 'expression nested too deeply');
    const d = depth + 1;
    switch (n.type) {
      case 'Literal': {
        const value = (n as jsep.Literal).value;
        if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new ExprError('compile', `unexpected literal ${(n as jsep.Literal).raw}`);
        return constant(value);
      }
      case 'Identifier':
        return this.identifier((n as jsep.Identifier).name);
      case 'ArrayExpression': {
        const items = (n as jsep.ArrayExpression).elements.map((e) => {
          if (!e) throw new ExprError('compile', 'empty element in array literal');
          return this.node(e, d);
        });
        const runs = items.map((i) => i.run);
        if (items.every((i) => i.constant)) return constant(Object.freeze(runs.map((r) => r(undefined as C))));
        return { type: 'array', constant: false, run: (ctx) => runs.map((r) => r(ctx)) };
      }
      case 'UnaryExpression': {
        const u = n as jsep.UnaryExpression;
        return fold(unaryOperator(u.operator, this.node(u.argument, d)));
      }
      case 'BinaryExpression': {
        const b = n as jsep.BinaryExpression;
        const left = this.node(b.left, d);
        const right = this.node(b.right, d);
        if (b.operator === 'matches') return fold(matchesOperator(left, right));
        return fold(binaryOperator(b.operator, left, right));
      }
      case 'ConditionalExpression':
        return this.conditional(n as jsep.ConditionalExpression, d);
      case 'CallExpression':
        return this.call(n as jsep.CallExpression, d);
      case 'MemberExpression':
        return this.member(n as jsep.MemberExpression, d);
      case 'Compound':
        throw new ExprError('compile', 'one expression expected: `,` and `;` join nothing here');
      case 'ThisExpression':
        throw new ExprError('compile', 'unknown name this');
      default:
        throw new ExprError('compile', `unsupported syntax (${n.type})`);
    }
  }

  private identifier(name: string): Compiled<C> {
    if (name === '#') {
      const cell = this.elements.at(-1);
      if (!cell) throw new ExprError('compile', '# is only defined inside a predicate (all, any, none, one, filter, map, count, find, findIndex)');
      return { type: 'any', constant: false, run: () => cell.value };
    }
    const variable = this.env.variables?.get(name);
    if (variable) {
      const get = variable.get;
      return { type: variable.type, constant: false, run: (ctx) => get(ctx) };
    }
    if (this.function(name) || PREDICATES.has(name)) throw new ExprError('compile', `${name} is a function: call it as ${name}(...)`);
    throw new ExprError('compile', `unknown name ${name}`);
  }

  private function(name: string): ExprFunction<C> | undefined {
    return this.env.functions?.get(name) ?? (BUILTINS.get(name) as ExprFunction<C> | undefined);
  }

  private call(c: jsep.CallExpression, d: number): Compiled<C> {
    if (c.callee.type !== 'Identifier') throw new ExprError('compile', 'only functions are called, by their name: f(x)');
    const name = (c.callee as jsep.Identifier).name;
    const f = this.function(name);
    if (!f) {
      const predicate = PREDICATES.get(name);
      if (predicate) return this.predicate(name, c.arguments, d);
      throw new ExprError('compile', `unknown function ${name}()`);
    }
    const want = f.params.length;
    const min = want - (f.optional ?? 0);
    const got = c.arguments.length;
    if (got < min || (got > want && !f.rest)) {
      throw new ExprError('compile', `${name}() takes ${min === want ? want : `${min} to ${want}`}${f.rest ? ' or more' : ''} argument${want === 1 ? '' : 's'}, got ${got}`);
    }
    const args = c.arguments.map((a, i) => {
      const arg = this.node(a, d);
      const param = f.params[i] ?? f.rest!;
      if (param !== 'any' && arg.type !== 'any' && arg.type !== param) throw new ExprError('compile', `${name}(): argument ${i + 1} must be ${param}, got ${arg.type}`);
      return arg.run;
    });
    const call = f.call;
    const returns = f.returns;
    // The common arities without an array per call.
    let run: (ctx: C) => ExprValue;
    if (args.length === 0) run = (ctx) => call(ctx);
    else if (args.length === 1) {
      const [a] = args as [(ctx: C) => ExprValue];
      run = (ctx) => call(ctx, a(ctx));
    } else if (args.length === 2) {
      const [a, b] = args as [(ctx: C) => ExprValue, (ctx: C) => ExprValue];
      run = (ctx) => call(ctx, a(ctx), b(ctx));
    } else run = (ctx) => call(ctx, ...args.map((a) => a(ctx)));
    return { type: returns, constant: false, run: checked(name, returns, run) };
  }

  private predicate(name: string, argNodes: readonly jsep.Expression[], d: number): Compiled<C> {
    if (argNodes.length !== 2) throw new ExprError('compile', `${name}() takes 2 arguments (an array and a predicate using #), got ${argNodes.length}`);
    const array = this.node(argNodes[0]!, d);
    if (array.type !== 'array' && array.type !== 'any') throw new ExprError('compile', `${name}(): argument 1 must be array, got ${array.type}`);
    const cell = { value: null as ExprValue };
    this.elements.push(cell);
    const body = this.node(argNodes[1]!, d);
    this.elements.pop();
    const run = PREDICATES.get(name)!.build(name, array.run, body, cell);
    return { type: PREDICATES.get(name)!.returns, constant: false, run };
  }

  private member(m: jsep.MemberExpression, d: number): Compiled<C> {
    // Only an element of an array or a string, by number: no property of anything is reachable.
    if (!m.computed || (m as { optional?: boolean }).optional) throw new ExprError('compile', 'no fields here: values are strings, numbers, booleans and arrays (index an array with [n])');
    const object = this.node(m.object, d);
    const index = this.node(m.property, d);
    if (object.type !== 'array' && object.type !== 'string' && object.type !== 'any') throw new ExprError('compile', `cannot index ${object.type}`);
    if (index.type !== 'number' && index.type !== 'any') throw new ExprError('compile', `an index must be a number, got ${index.type}`);
    const [o, i] = [object.run, index.run];
    return {
      type: object.type === 'string' ? 'string' : 'any',
      constant: false,
      run(ctx) {
        const v = o(ctx);
        const k = i(ctx);
        if ((typeof v !== 'string' && !Array.isArray(v)) || typeof k !== 'number' || !Number.isInteger(k)) {
          throw new ExprError('run', `cannot index ${typeOf(v)} with ${typeOf(k)}${typeof k === 'number' ? ` ${k}` : ''}`);
        }
        const at = k < 0 ? v.length + k : k;
        if (at < 0 || at >= v.length) throw new ExprError('run', `index out of range: ${k} (length ${v.length})`);
        return (v as readonly ExprValue[])[at]!;
      },
    };
  }

  private conditional(c: jsep.ConditionalExpression, d: number): Compiled<C> {
    const test = this.node(c.test, d);
    if (test.type !== 'bool' && test.type !== 'any') throw new ExprError('compile', `the condition of ?: must be bool, got ${test.type}`);
    const [yes, no] = [this.node(c.consequent, d), this.node(c.alternate, d)];
    const [t, a, b] = [test.run, yes.run, no.run];
    return {
      type: yes.type === no.type ? yes.type : 'any',
      constant: false,
      run(ctx) {
        const v = t(ctx);
        if (typeof v !== 'boolean') throw new ExprError('run', `the condition of ?: must be bool, got ${typeOf(v)}`);
        return v ? a(ctx) : b(ctx);
      },
    };
  }
}

function constant<C>(value: ExprValue): Compiled<C> {
  return { type: typeOf(value), constant: true, run: () => value };
}

/** An operation on constants is done once, now (and its failure, `1 % 0`, is a compile error). */
function fold<C>(c: Compiled<C>): Compiled<C> {
  if (!c.constant) return c;
  try {
    return constant(c.run(undefined as C));
  } catch (err) {
    if (err instanceof ExprError) throw new ExprError('compile', err.message);
    throw err;
  }
}

/** A function whose result must be of its declared type: a caller's function that returns otherwise fails the expression, not the checker's promise. */
function checked<C>(name: string, returns: ExprType, run: (ctx: C) => ExprValue): (ctx: C) => ExprValue {
  if (returns === 'any') return run;
  return (ctx) => {
    const v = run(ctx);
    if (typeOf(v) !== returns) throw new ExprError('run', `${name}() returned ${typeOf(v)}, not ${returns}`);
    return v;
  };
}
