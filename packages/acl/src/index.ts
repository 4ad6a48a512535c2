export { acl, acl as default, type AclConfig } from './setup.js';
export { createAcl } from './acl.js';
