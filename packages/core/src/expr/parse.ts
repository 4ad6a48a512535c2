import jsep from 'jsep';
import { ExprError } from './types.js';

/** The longest expression taken: a Corefile line, not a program. */
export const MAX_EXPRESSION_LENGTH = 10000;

/**
 * expr-lang's operators on jsep's grammar: `and`, `or`, `not`, `in`,
 * `not in`, `matches`, `contains`, `startsWith`, `endsWith`, and `^` and
 * `**` for powers; JavaScript's bitwise and strict operators, `??`, `~` and
 * `null` removed (`nil` instead). Precedence as expr-lang: `or`/`||` below
 * `and`/`&&`, below comparisons and the word operators, below `+ -`, below
 * `* / %`, below powers; unary operators bind tightest.
 */
function configure(): void {
  for (const op of ['|', '^', '&', '===', '!==', '<<', '>>', '>>>', '??']) jsep.removeBinaryOp(op);
  jsep.removeUnaryOp('~');
  jsep.addBinaryOp('or', 1);
  jsep.addBinaryOp('and', 2);
  for (const op of ['<', '>', '<=', '>=', 'in', 'not in', 'matches', 'contains', 'startsWith', 'endsWith']) jsep.addBinaryOp(op, 7);
  jsep.addBinaryOp('^', 11, true);
  jsep.addUnaryOp('not');
  jsep.removeLiteral('null');
  jsep.addLiteral('nil', null);
  // `#`, the element a predicate (`any(list, # > 1)`) is looking at.
  jsep.addIdentifierChar('#');
}

let configured = false;

/**
 * Parses `source` into jsep's tree; throws ExprError('compile'). jsep's
 * settings are global to the process, so they are made once, here, on the
 * first parse (and never when no expression is used); the compiler accepts
 * only the node types and operators it knows, whatever jsep parses.
 */
export function parseExpression(source: string): jsep.Expression {
  if (!configured) {
    configure();
    configured = true;
  }
  if (source.length > MAX_EXPRESSION_LENGTH) throw new ExprError('compile', `expression too long: ${source.length} > ${MAX_EXPRESSION_LENGTH} characters`);
  if (source.trim() === '') throw new ExprError('compile', 'empty expression');
  try {
    return jsep(source);
  } catch (err) {
    // A deeply nested expression overflows jsep's recursion: a RangeError, said as what it is.
    if (err instanceof RangeError) throw new ExprError('compile', 'expression nested too deeply');
    throw new ExprError('compile', `syntax error: ${(err as Error).message}`);
  }
}
