import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { ChainDNSError, formatHostPort, type HostPort, isNoIPv6, listenHosts, type Logger, type Registry } from '@chaindns/core';

/** Where `/metrics` listens: `localhost:9153`, `:9153` (every address), `127.0.0.1:0` (a free port), `[::1]:9153`. */
export type HttpAddress = HostPort;

/** One HTTP listener serving a server's registry at `/metrics`, shared by every block that names its address. */
export class MetricsEndpoint {
  private constructor(
    private readonly app: FastifyInstance,
    /** Where it is bound (the real port when 0 was asked for). */
    readonly bound: AddressInfo,
  ) {}

  /** Listens on `address`; `:PORT` takes `::` (IPv4 too), or `0.0.0.0` on a host without IPv6. */
  static async open(address: HttpAddress, registry: Registry, log: Logger): Promise<MetricsEndpoint> {
    const hosts = listenHosts(address.host);
    for (let i = 0; ; i++) {
      const app = Fastify({ logger: false });
      app.get('/metrics', async (_request, reply) => {
        const text = await registry.metrics();
        return reply.type(registry.contentType).send(text);
      });
      // As Go's http.ServeMux, which CoreDNS serves /metrics with.
      app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('404 page not found\n'));
      try {
        await app.listen({ host: hosts[i]!, port: address.port });
        const endpoint = new MetricsEndpoint(app, app.server.address() as AddressInfo);
        log.info(`serving /metrics on ${endpoint.url}`);
        return endpoint;
      } catch (err) {
        await app.close();
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

  close(): Promise<void> {
    return this.app.close();
  }
}
