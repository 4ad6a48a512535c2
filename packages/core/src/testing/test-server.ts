import { type Logger, createLogger, silentLogger } from '../logger.js';
import type { AnyPluginDefinition } from '../plugin.js';
import { PluginRegistry } from '../server/registry.js';
import { Server, type ServerOptions } from '../server/server.js';
import type { UdpTransport } from '../transport.js';
import { QType } from '../wire/constants.js';
import { type QueryOptions, type Reply, query } from './client.js';

export interface TestServerOptions extends Omit<Partial<ServerOptions>, 'corefile' | 'plugins'> {
  /** The plugins this server knows: a registry, or definitions in chain order. */
  readonly plugins: PluginRegistry | readonly AnyPluginDefinition[];
  /** Print the server's log lines (default: silent, or collected into `logs`). */
  readonly verbose?: boolean;
}

export interface TestServer {
  readonly server: Server;
  /** The DNS port every port-less key got (one free port on 127.0.0.1): the first `dns://` listener's. */
  readonly port: number;
  /** Log lines written so far. */
  readonly logs: string[];
  query(name: string, type?: number | keyof typeof QType, options?: QueryOptions): Promise<Reply>;
  stop(): Promise<void>;
}

/**
 * Starts a server from a Corefile on 127.0.0.1 and one free port (keys
 * without a port get it), silent unless `verbose`. Stop it in `after()`.
 */
export async function startTestServer(corefile: string, options: TestServerOptions): Promise<TestServer> {
  const logs: string[] = [];
  const logger: Logger = options.verbose ? createLogger({ debug: true }) : createLogger({ sink: (line) => logs.push(line), debug: true });
  const plugins = options.plugins instanceof PluginRegistry ? options.plugins : new PluginRegistry(options.plugins.map((p) => p.name), options.plugins);
  const udpTransport = options.udpTransport ?? (await transportFromEnv());
  const server = new Server({
    ...(udpTransport ? { udpTransport } : {}),
    dnsPort: 0,
    defaultAddresses: ['127.0.0.1'],
    drainTimeoutMs: 1000,
    ...options,
    logger: options.logger ?? logger ?? silentLogger,
    corefile,
    plugins,
  });
  await server.start();
  const port = server.addresses().find((a) => a.scheme === 'dns')?.port ?? 0;
  return {
    server,
    port,
    logs,
    query: (name, type = 'A', q = {}) => query(port, name, type, q),
    stop: () => server.stop(),
  };
}

/**
 * CHAINDNS_UDP=native runs every test server on the batched native transport
 * (@chaindns/udp-native), so CI runs the UDP suites on both transports.
 */
async function transportFromEnv(): Promise<UdpTransport | undefined> {
  if (process.env.CHAINDNS_UDP !== 'native') return undefined;
  // A name in a variable: the kit does not depend on the package, it only uses it when asked.
  const name = '@chaindns/udp-native';
  const mod = (await import(name)) as { loadNativeTransport(): UdpTransport | null; nativeTransportError(): string | undefined };
  const transport = mod.loadNativeTransport();
  if (!transport) throw new Error(`CHAINDNS_UDP=native, but ${mod.nativeTransportError() ?? 'udp-native did not load'}`);
  return transport;
}
