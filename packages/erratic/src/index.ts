export { erratic, erratic as default, type ErraticConfig } from './setup.js';
export { createErratic } from './erratic.js';
