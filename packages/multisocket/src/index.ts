export { MAX_SOCKETS, multisocket, multisocket as default, type MultisocketConfig } from './setup.js';
export { workersOf } from './multisocket.js';
