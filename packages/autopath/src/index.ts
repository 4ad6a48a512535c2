export { autopath, autopath as default, type AutopathConfig } from './setup.js';
export { createAutopath, type AutopathOptions } from './autopath.js';
