export { loadNativeTransport, nativeTransportError } from './load.js';
export type { NativeTransportOptions } from './native-transport.js';
export type { PacketHandler, Remote, UdpBindOptions, UdpBinding, UdpEndpoint, UdpTransport } from './types.js';
