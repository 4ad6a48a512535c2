export { transfer, transfer as default, type TransferConfig } from './setup.js';
export { createTransfer } from './transfer.js';
