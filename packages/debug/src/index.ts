export { debug, debug as default, type DebugConfig } from './setup.js';
