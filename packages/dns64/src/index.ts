export { dns64, dns64 as default, type Dns64Config } from './setup.js';
export { createDns64 } from './dns64.js';
