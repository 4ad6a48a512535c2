export { bufsize, bufsize as default, type BufsizeConfig } from './setup.js';
export { createBufsize } from './bufsize.js';
