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
  const udpTransport = options.udpTransport ?? testTransport;
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

let testTransport: UdpTransport | undefined;

/**
 * The UDP transport every test server gets unless its options name one; Node's
 * dgram while none was set. A transport's package sets it from outside the
 * tests: `NODE_OPTIONS=--import=@chaindns/udp-native/register` runs a whole
 * suite on the native transport, and the kit depends on no transport package.
 */
export function useTestTransport(transport: UdpTransport | undefined): void {
  testTransport = transport;
}

/** The transport test servers get (see useTestTransport), or null for Node's dgram: for tests that bind sockets of their own on it. */
export function testUdpTransport(): UdpTransport | null {
  return testTransport ?? null;
}
