export { loadNativeTransport, nativeTransportError } from './load.js';
export type { NativeTransportOptions } from './native-transport.js';
