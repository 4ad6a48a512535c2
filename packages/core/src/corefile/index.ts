export { parseCorefile, readCorefile } from './parser.js';
export type { Corefile, Directive, ParseOptions, Scheme, ServerBlock, ServerKey, Token } from './types.js';
