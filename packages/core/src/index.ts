export { ChainDNSError, CorefileError, ErrorCodes, type ErrorCode } from './errors.js';
export { createLogger, LOG_PENDING_BYTES, silentLogger, toLogger, type Logger, type LoggerLike, type LoggerOptions, type LogSink } from './logger.js';
export { LineWriter, type LineWriterOptions, type OutputStream } from './line-writer.js';
export {
  definePlugin,
  PluginError,
  type AnyPluginDefinition,
  type BlockView,
  type MetadataCollector,
  type CorefileSource,
  type Handler,
  type NamedFile,
  type Next,
  type ParseContext,
  type PluginDefinition,
  type ResponseWriter,
  type Result,
  MAX_RESOLVE_HOPS,
  NO_REPLY,
  type ServerStatus,
  type SetupContext,
  thrownRcode,
  unwrittenRcode,
} from './plugin.js';
export type {
  DnsTcpListenOptions,
  DnsTcpTransport,
  FrameHandler,
  FrameSink,
  PacketHandler,
  Remote,
  StreamListener,
  StreamListenOptions,
  StreamSocketBinder,
  StreamTransport,
  UdpBinding,
  UdpBindOptions,
  UdpEndpoint,
  UdpTransport,
} from './transport.js';
export { SOLE_WORKER, type Workers } from './workers.js';
export * from './wire/index.js';
export * from './corefile/index.js';
export {
  configError,
  eachSubdirective,
  expectArgs,
  expectNoBlock,
  fallsThrough,
  isSubdomain,
  matchZone,
  normalizeZone,
  parseChoice,
  parseDuration,
  parseFallthrough,
  parseInteger,
  parseZones,
} from './corefile/args.js';
export { formatHostPort, isNoIPv6, listenHosts, parseHostPort, parseIpPort, type HostPort } from './corefile/host-port.js';
export { parseIPv6 } from './ipv6.js';
export { HttpListener, sendText, type HttpHandler, type HttpListen } from './http-listener.js';
export { EndpointSet } from './server/endpoint-set.js';
export { type LazyPlugin, type PluginSource, PluginRegistry } from './server/registry.js';
export { duplicateKeys, hasView, loadPlugins, planBlock, type PlannedPlugin, type PlanOptions } from './server/plan.js';
export { Server, type ListenAddress, type ServerOptions } from './server/server.js';
export type { PeerStatus } from './server/status.js';
export { listenShared } from './server/listen-http.js';
export {
  type ConnectionClock,
  connectionDeadline,
  type ConnectionOptions,
  ConnectionTable,
  defaultConnectionOptions,
  MAX_CONNECTIONS_PER_CLIENT,
  MAX_PENDING,
  type TableEntry,
} from './server/connection-table.js';
export type { ClientAuth, ServerTls } from './server/tls-settings.js';
export type { ServerConfig, ServerBlockConfig, PluginEntry, DirectiveConfig } from './server/config-object.js';
export { dgramSharesPorts, dgramTransport } from './server/dgram-transport.js';
export { nodeStreamTransport } from './server/node-streams.js';
export { writtenReply, type WrittenReply } from './server/writer.js';
export { isMetadataLabel, Metadata, type MetadataProvider } from './metadata.js';
export type {
  Capabilities,
  CapabilityName,
  CapabilityOffers,
  CapabilityRef,
  ClusterSyncSource,
  ResourceSync,
  SearchPathProvider,
  UpstreamExchange,
  UpstreamSource,
  UpstreamStatus,
  UpstreamTap,
  ZoneSource,
} from './capabilities.js';
export type { ExternalItem, ExternalSource } from './external-source.js';
export { perRegistry } from './per-registry.js';
export { hexdump } from './hexdump.js';
export { resolvConfSearch } from './resolv-conf.js';
export { Buckets, HistogramCollector, type Series } from './histogram-collector.js';
export { settleNext, type Settled } from './settle-next.js';
export { atBatchEnd, type BatchEnd, clockNow, enterBatch, leaveBatch } from './batch-clock.js';
export { satisfies } from './server/version.js';
export { AUTHORS, VERSION } from './version.js';
export { Counter, Gauge, Histogram, Registry } from './metric-classes.js';
