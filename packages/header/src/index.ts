export { header, header as default, type HeaderConfig } from './setup.js';
export { createHeader } from './header.js';
