export { BUILTINS, printValue } from './builtins.js';
export { compileExpression, RESERVED_NAMES } from './compile.js';
export { MAX_EXPRESSION_LENGTH } from './parse.js';
export { PREDICATES } from './predicates.js';
export { inCidr, queryFunctions } from './query.js';
export { type CompiledExpr, type ExprEnvironment, ExprError, type ExprFunction, type ExprType, type ExprValue, type ExprVariable, typeOf } from './types.js';
