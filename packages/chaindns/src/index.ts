export { createServer, DEFAULT_COREFILE, start, type StartOptions } from './start.js';
export { defaultRegistry, ORDER } from './plugins.js';
export { loadThirdParty, packageFor } from './third-party.js';
export { parseFlags, type Flags } from './flags.js';
export { gcFlags, tuneGc } from './gc.js';
export { VERSION } from '@chaindns/core';
export { resolveUdp, UDP_CHOICES, udpChoice, type UdpChoice } from './udp.js';
