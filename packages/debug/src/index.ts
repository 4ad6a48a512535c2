export { debug, debug as default, type DebugConfig } from './setup.js';
export { createDebug } from './debug.js';
