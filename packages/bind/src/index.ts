export { bind, bind as default } from './setup.js';
export { resolveAddresses, type BindConfig } from './bind.js';
