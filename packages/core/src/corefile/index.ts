export { parseCorefile, readCorefile } from './parser.js';
export type { Corefile, Directive, ParseOptions, ServerBlock, ServerKey, Token } from './types.js';
