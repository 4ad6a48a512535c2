import { type AddressInfo, isIP } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { ChainDNSError, configError, type Logger, type Registry, type Token } from '@chaindns/core';

/** Where `/metrics` listens: `localhost:9153`, `:9153` (every address), `127.0.0.1:0` (a free port), `[::1]:9153`. */
export interface HttpAddress {
  /** An IP address or a host name; '' for every address, IPv4 and IPv6. */
  readonly host: string;
  readonly port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** Parses `[HOST]:PORT` as Go's net.SplitHostPort (what CoreDNS checks), plus a valid host and port. */
export function parseAddress(token: Token): HttpAddress {
  const text = token.text;
  const fail = (why: string): never => configError(token, `prometheus: address "${text}" ${why}: expected [HOST]:PORT, such as localhost:9153, :9153 or [::1]:9153`);
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(text);
  const colon = text.lastIndexOf(':');
  if (!bracketed && colon < 0) fail('has no port');
  const host = bracketed ? bracketed[1]! : text.slice(0, colon);
  const port = bracketed ? bracketed[2]! : text.slice(colon + 1);
  if (bracketed && isIP(host) !== 6) fail(`has "${host}" in brackets, which is not an IPv6 address`);
  if (!bracketed && host.includes(':')) fail('has too many colons (an IPv6 address goes in brackets)');
  if (!bracketed && host !== '' && isIP(host) !== 4 && !HOST_NAME.test(host)) fail(`has "${host}", which is not an IP address or a host name`);
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) fail(`has port "${port}", which is not a number from 0 to 65535`);
  return { host: host.toLowerCase(), port: Number(port) };
}

/** The address as CoreDNS writes it: `:9153`, `[::1]:9153`. */
export function formatAddress(address: HttpAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** One HTTP listener serving a server's registry at `/metrics`, shared by every block that names its address. */
export class MetricsEndpoint {
  private constructor(
    private readonly app: FastifyInstance,
    /** Where it is bound (the real port when 0 was asked for). */
    readonly bound: AddressInfo,
  ) {}

  /** Listens on `address`; `:PORT` takes `::` (IPv4 too), or `0.0.0.0` on a host without IPv6. */
  static async open(address: HttpAddress, registry: Registry, log: Logger): Promise<MetricsEndpoint> {
    const hosts = address.host === '' ? ['::', '0.0.0.0'] : [address.host];
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
        throw new ChainDNSError('CHAINDNS_LISTEN', `cannot listen on http ${formatAddress(address)}: ${reason}`, { cause: err });
      }
    }
  }

  /** The URL of `/metrics` for a local client (loopback when bound to every address). */
  get url(): string {
    const { address, port } = this.bound;
    const host = address === '::' ? '::1' : address === '0.0.0.0' ? '127.0.0.1' : address;
    return `http://${formatAddress({ host, port })}/metrics`;
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

function isNoIPv6(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL';
}
