import type { Request } from '@chaindns/core';
import { type CompiledExpr, compileExpression, type ExprFunction, type ExprType, type ExprValue, type ExprVariable, queryFunctions, RESERVED_NAMES } from '@chaindns/core/expr';

/** What a template's `var` and `expr` run on: the query, the regex's submatches, the variables set so far. */
export interface TemplateScope {
  readonly req: Request;
  readonly group: ReadonlyMap<string, string>;
  readonly vars: ExprValue[];
}

/** `var NAME EXPRESSION`: its value is `.Var.NAME` and, for the expressions after it, NAME. */
export interface TemplateVar {
  readonly name: string;
  readonly expr: CompiledExpr<TemplateScope>;
}

/**
 * `group('name')` or `group(1)`: a submatch of the regex that matched, by
 * name or number (`group(0)` the whole match), "" when there is none, as
 * CoreDNS's template's `group`.
 */
const group: ExprFunction<TemplateScope> = {
  params: ['any'],
  returns: 'string',
  call(ctx, key) {
    if (typeof key === 'number') return ctx.group.get(String(key)) ?? '';
    if (typeof key === 'string') return ctx.group.get(key) ?? '';
    return '';
  },
};

/** CoreDNS's query functions (view's) and `group`, for every template. */
const FUNCTIONS: ReadonlyMap<string, ExprFunction<TemplateScope>> = new Map([...queryFunctions((s: TemplateScope) => s.req), ['group', group]]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds a template's variables and conditions in the Corefile's order: each
 * expression sees the variables declared before it. Errors are thrown as
 * messages for the caller to place at the token.
 */
export class TemplateExpressions {
  readonly vars: TemplateVar[] = [];
  readonly conditions: CompiledExpr<TemplateScope>[] = [];
  private readonly variables = new Map<string, ExprVariable<TemplateScope>>();

  /** `var NAME EXPRESSION`; throws an Error with CoreDNS's wording when NAME may not be used. */
  addVar(name: string, source: string): void {
    if (!IDENTIFIER.test(name)) throw new Error(`invalid variable name "${name}"`);
    if (FUNCTIONS.has(name) || RESERVED_NAMES.has(name) || this.variables.has(name)) throw new Error(`variable name "${name}" is reserved`);
    const expr = compileExpression(source, { functions: FUNCTIONS, variables: this.variables });
    const slot = this.vars.length;
    this.variables.set(name, { type: expr.type, get: (s) => s.vars[slot]! });
    this.vars.push({ name, expr });
  }

  /** `expr EXPRESSION`: a condition the query must meet. */
  addCondition(source: string): void {
    this.conditions.push(compileExpression(source, { functions: FUNCTIONS, variables: this.variables }));
  }

  /** The variables' names and types, for checking `.Var.NAME` in the records. */
  types(): ReadonlyMap<string, ExprType> {
    return new Map(this.vars.map((v) => [v.name, v.expr.type]));
  }
}

/**
 * Runs a template's variables, then its conditions, for one query: the
 * variables as `.Var` reads them, or null when a condition is not true (a
 * value other than `true` counts as false, as in CoreDNS). An expression that
 * fails throws its ExprError.
 */
export function runExpressions(vars: readonly TemplateVar[], conditions: readonly CompiledExpr<TemplateScope>[], req: Request, group: ReadonlyMap<string, string>): Map<string, ExprValue> | null {
  const scope: TemplateScope = { req, group, vars: [] };
  const values = new Map<string, ExprValue>();
  for (const v of vars) {
    const value = v.expr.evaluate(scope);
    scope.vars.push(value);
    values.set(v.name, value);
  }
  for (const c of conditions) if (c.evaluate(scope) !== true) return null;
  return values;
}
