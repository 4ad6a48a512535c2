export { dnstap, dnstap as default, dnstapPlugin, type DnstapPluginOptions } from './setup.js';
export type { DnstapConfig, TapConfig, Endpoint } from './config.js';
export { createDnstap } from './dnstap.js';
