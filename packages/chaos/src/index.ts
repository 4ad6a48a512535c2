export { chaos, chaos as default, type ChaosConfig } from './setup.js';
export { createChaos } from './chaos.js';
