export { nsid, nsid as default, type NsidConfig } from './setup.js';
export { createNsid } from './nsid.js';
