export { hello, hello as default } from './setup.js';
export { createHello, type HelloConfig } from './hello.js';
