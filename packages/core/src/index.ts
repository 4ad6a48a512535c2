export { ChainDNSError, CorefileError, ErrorCodes, type ErrorCode } from './errors.js';
export { createLogger, silentLogger, type Logger, type LoggerOptions, type LogSink } from './logger.js';
export {
  definePlugin,
  PluginError,
  type AnyPluginDefinition,
  type CorefileSource,
  type Handler,
  type Next,
  type ParseContext,
  type PluginDefinition,
  type ResponseWriter,
  type Result,
  type ServerStatus,
  type SetupContext,
  thrownRcode,
  unwrittenRcode,
} from './plugin.js';
export type { PacketHandler, Remote, UdpBinding, UdpBindOptions, UdpEndpoint, UdpTransport } from './transport.js';
export * from './wire/index.js';
export * from './corefile/index.js';
export {
  configError,
  eachSubdirective,
  expectArgs,
  expectNoBlock,
  isSubdomain,
  matchZone,
  normalizeZone,
  parseChoice,
  parseDuration,
  parseInteger,
  parseZones,
} from './corefile/args.js';
export { formatHostPort, isNoIPv6, listenHosts, parseHostPort, type HostPort } from './corefile/host-port.js';
export { type LazyPlugin, type PluginSource, PluginRegistry } from './server/registry.js';
export { Server, type ListenAddress, type ServerOptions } from './server/server.js';
export type { ServerConfig, ServerBlockConfig, PluginEntry, DirectiveConfig } from './server/config-object.js';
export { dgramTransport } from './server/dgram-transport.js';
export { writtenReply, type WrittenReply } from './server/writer.js';
export { satisfies } from './server/version.js';
export { VERSION } from './version.js';
export { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
