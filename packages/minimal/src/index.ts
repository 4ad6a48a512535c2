export { minimal, minimal as default, type MinimalConfig } from './setup.js';
export { createMinimal } from './minimal.js';
