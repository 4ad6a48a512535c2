export { local, local as default, type LocalConfig } from './setup.js';
export { createLocal } from './local.js';
