export { tls, tls as default, type TlsConfig } from './setup.js';
export { loadServerTls } from './certificates.js';
