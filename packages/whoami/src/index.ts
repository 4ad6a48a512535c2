export { whoami, whoami as default } from './setup.js';
export { createWhoami } from './whoami.js';
