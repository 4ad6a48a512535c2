export { dnstap, dnstap as default, type DnstapConfig } from './setup.js';
export { createDnstap } from './dnstap.js';
