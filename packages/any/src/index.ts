export { any, any as default, type AnyConfig } from './setup.js';
export { createAny } from './any.js';
