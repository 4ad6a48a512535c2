import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChainDNSError, formatHostPort, type HostPort, isNoIPv6, listenHosts, type Logger, type Registry, type SetupContext } from '@chaindns/core';

/** Where `/metrics` listens: `localhost:9153`, `:9153` (every address), `127.0.0.1:0` (a free port), `[::1]:9153`. */
export type HttpAddress = HostPort;

/** One HTTP listener (node:http) serving a server's registry at `/metrics`, shared by every block that names its address. */
export class MetricsEndpoint {
  private constructor(
    private readonly server: Server,
    /** Where it is bound (the real port when 0 was asked for). */
    readonly bound: AddressInfo,
  ) {}

  /**
   * Listens on `address` with `listen` (SetupContext.listen: SO_REUSEPORT where the server shares
   * its ports); `:PORT` takes `::` (IPv4 too), or `0.0.0.0` on a host without IPv6.
   */
  static async open(address: HttpAddress, registry: Registry, log: Logger, listen: SetupContext['listen']): Promise<MetricsEndpoint> {
    const hosts = listenHosts(address.host);
    for (let i = 0; ; i++) {
      const server = createServer((req, res) => void answer(registry, req, res));
      try {
        const endpoint = new MetricsEndpoint(server, await listen(server, hosts[i]!, address.port));
        log.info(`serving /metrics on ${endpoint.url}`);
        return endpoint;
      } catch (err) {
        if (i + 1 < hosts.length && isNoIPv6(err)) continue;
        const reason = err instanceof Error ? err.message : String(err);
        throw new ChainDNSError('CHAINDNS_LISTEN', `cannot listen on http ${formatHostPort(address)}: ${reason}`, { cause: err });
      }
    }
  }

  /** The URL of `/metrics` for a local client (loopback when bound to every address). */
  get url(): string {
    const { address, port } = this.bound;
    const host = address === '::' ? '::1' : address === '0.0.0.0' ? '127.0.0.1' : address;
    return `http://${formatHostPort({ host, port })}/metrics`;
  }

  /** Stops listening and drops idle keep-alive connections (a scraper's), so the process can stop. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}

/** `/metrics`, any method, as Go's ServeMux and promhttp serve it; every other path 404 as Go's mux. */
async function answer(registry: Registry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if ((req.url ?? '/').split('?', 1)[0] !== '/metrics') return send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
  try {
    send(res, 200, registry.contentType, await registry.metrics());
  } catch (err) {
    send(res, 500, 'text/plain; charset=utf-8', `An error has occurred while serving metrics:\n\n${err instanceof Error ? err.message : String(err)}\n`);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}

