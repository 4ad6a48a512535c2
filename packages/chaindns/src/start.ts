import { existsSync } from 'node:fs';
import { type AnyPluginDefinition, ChainDNSError, type LoggerLike, Server, type ServerOptions, type UdpTransport } from '@chaindns/core';
import { defaultRegistry } from './plugins.js';
import { loadThirdParty } from './third-party.js';
import { resolveUdp, type UdpChoice, udpChoice } from './udp.js';

/** The Corefile CoreDNS serves when it finds none: whoami on the root zone. */
export const DEFAULT_COREFILE = '. {\n    whoami\n}\n';

/**
 * The Corefile `-conf` names: its path; CoreDNS's default (whoami on `.`)
 * when the default `Corefile` is absent; an error for any other missing file.
 */
export function corefileOf(conf: string): { path: string } | string {
  if (existsSync(conf)) return { path: conf };
  if (conf === 'Corefile') return DEFAULT_COREFILE;
  throw new ChainDNSError('CHAINDNS_COREFILE_IMPORT', `chaindns: ${conf}: no such file`);
}

export interface StartOptions {
  /** Corefile text, `{ path }` of a Corefile, or `{ config }` as an object. Default: whoami on `.`. */
  readonly corefile?: ServerOptions['corefile'];
  /** Third-party plugins given as values (no package lookup needed). */
  readonly plugins?: readonly AnyPluginDefinition[];
  /** The port for keys without one (`-dns.port`). Default 53. */
  readonly dnsPort?: number;
  /** Addresses for blocks without `bind`. Default all. */
  readonly defaultAddresses?: readonly string[];
  /** Where the server logs: an object with `info`, `warn` and `error` methods (console, pino, `createLogger()`). Default stdout. */
  readonly logger?: LoggerLike;
  /** A UDP transport to use as it is (takes precedence over `udp`). */
  readonly udpTransport?: UdpTransport;
  /** `auto` (default, or the CHAINDNS_UDP variable): the native batched transport when it loads, else dgram. */
  readonly udp?: UdpChoice;
  /** Where third-party plugin packages are looked up. Default the working directory. */
  readonly pluginsFrom?: string;
}

/**
 * Creates a server with the default plugin set, without starting it. `thread` takes the
 * options that make it one thread of several (the binary's workers).
 */
export function createServer(options: StartOptions = {}, thread: Pick<ServerOptions, 'reusePort' | 'portZero' | 'workers' | 'peerStatus' | 'registry' | 'onReload'> = {}): Server {
  const plugins = defaultRegistry();
  for (const p of options.plugins ?? []) plugins.add(p);
  return new Server({
    corefile: options.corefile ?? DEFAULT_COREFILE,
    plugins,
    loadPlugin: (name) => loadThirdParty(name, options.pluginsFrom),
    ...(options.dnsPort !== undefined ? { dnsPort: options.dnsPort } : {}),
    ...(options.defaultAddresses ? { defaultAddresses: options.defaultAddresses } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.udpTransport ? { udpTransport: options.udpTransport } : {}),
    ...thread,
  });
}

/**
 * Starts chaindns from a Corefile (text, path or object) with the default
 * plugin set and any third-party plugins given, on the native UDP transport
 * when it loads. Stop it with `server.stop()`.
 */
export async function start(options: StartOptions = {}): Promise<Server> {
  const udpTransport = options.udpTransport ?? (await resolveUdp(udpChoice(options.udp))).transport;
  return createServer({ ...options, ...(udpTransport ? { udpTransport } : {}) }).start();
}
