import { configError, definePlugin, type Directive, expectArgs, type Request, type Token } from '@chaindns/core';
import { type CompiledExpr, compileExpression, ExprError } from '@chaindns/core/expr';
import { createView, VIEW_FUNCTIONS } from './view.js';

/** `view NAME { expr EXPRESSION... }`. */
export interface ViewConfig {
  readonly name: string;
  /** Every `expr` line, compiled; all must be true for the block to serve a query. */
  readonly exprs: readonly CompiledExpr<Request>[];
  readonly at: Token;
}

/**
 * `view NAME { expr EXPRESSION }`, as CoreDNS's: the server block serves a
 * query only when every expression is true for it (the first such block of
 * the zone and port, in the Corefile's order; a block without a view serves
 * the rest). The view offers the metadata `view/name`.
 */
export const view = definePlugin<ViewConfig>({
  name: 'view',
  view: true,
  parse(d) {
    const name = expectArgs(d, 1, 1)[0]!.text;
    const exprs = (d.block ?? []).map((sub) => {
      if (sub.name !== 'expr') configError(sub, `view: unknown property "${sub.name}", expected expr`);
      if (sub.block) configError(sub, 'view: expr takes no block');
      return compile(sub);
    });
    return { name, exprs, at: d.token };
  },
  setup(config, ctx) {
    ctx.view(createView(config.name, config.exprs, ctx.log), config.at);
    ctx.offer('metadata', { metadata: (_req, label) => (label === 'view/name' ? config.name : undefined) });
  },
});

/** An `expr` line: its words joined by spaces, as CoreDNS joins them; what does not compile is refused at its line. */
function compile(sub: Directive): CompiledExpr<Request> {
  const source = expectArgs(sub, 1).map((t) => t.text).join(' ');
  try {
    return compileExpression(source, { functions: VIEW_FUNCTIONS });
  } catch (err) {
    if (err instanceof ExprError) configError(sub, `view: expr: ${err.message}`);
    throw err;
  }
}
