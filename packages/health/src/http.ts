import { isIP, type AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { ChainDNSError, configError, type Logger, type SetupContext, type Token } from '@chaindns/core';

/** An HTTP listen address as CoreDNS writes it: `:8080`, `127.0.0.1:8080`, `[::1]:8080`, `localhost:8181`. */
export interface HttpAddress {
  /** The host to bind: an IP address or a host name; '' binds every address, IPv4 and IPv6. */
  readonly host: string;
  readonly port: number;
}

/** What a path answers: an HTTP status and a plain-text body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export type PathHandler = () => HttpAnswer;

export const OK: HttpAnswer = { status: 200, body: 'OK' };
// Go's http.ServeMux answers this for a path nobody serves.
const NOT_FOUND: HttpAnswer = { status: 404, body: '404 page not found\n' };
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** Parses `[HOST]:PORT` as Go's net.SplitHostPort does, checking the host and the port; `directive` prefixes the error. */
export function parseAddress(token: Token, directive: string): HttpAddress {
  const text = token.text;
  const fail = (why: string): never => configError(token, `${directive}: address "${text}" ${why}: expected [HOST]:PORT, such as :8080, 127.0.0.1:8080 or [::1]:8080`);
  let host: string;
  let port: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0 || text[end + 1] !== ':') fail('has no port after the bracketed IPv6 address');
    host = text.slice(1, end);
    port = text.slice(end + 2);
    if (isIP(host) !== 6) fail(`has "${host}" in brackets, which is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) fail('has no port');
    host = text.slice(0, colon);
    port = text.slice(colon + 1);
    if (host.includes(':')) fail('has too many colons (an IPv6 address goes in brackets)');
    if (host !== '' && isIP(host) !== 4 && !HOST_NAME.test(host)) fail(`has "${host}", which is not an IP address or a host name`);
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) fail(`has port "${port}", which is not a number from 0 to 65535`);
  return { host: host.toLowerCase(), port: Number(port) };
}

/** The address as CoreDNS writes it (`:8080`, `[::1]:8080`); the key of the shared listener. */
export function formatAddress(address: HttpAddress): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/**
 * One fastify listener and the paths it serves. Each path keeps a stack of
 * handlers (one per block and config generation that serves it); the newest
 * answers, so a reload hands over without closing the socket.
 */
export class HttpEndpoint {
  private readonly paths = new Map<string, PathHandler[]>();
  // Answers are synchronous, so closing may drop every connection: one that never sent a request
  // would otherwise hold the close (and the process's stop) until Node's 60s header timeout.
  private readonly app: FastifyInstance = Fastify({ logger: false, forceCloseConnections: true });
  private bound: AddressInfo | null = null;

  private constructor() {
    // Go's mux answers any method on an exact path; so do we (the query string is ignored).
    this.app.all('*', (request, reply) => {
      const path = request.url.split('?', 1)[0]!;
      const handler = this.paths.get(path)?.at(-1);
      const { status, body } = handler ? handler() : NOT_FOUND;
      return reply.code(status).type('text/plain; charset=utf-8').send(body);
    });
  }

  /** Listens on `address`; `:PORT` takes `::` (IPv4 too), or `0.0.0.0` on a host without IPv6. */
  static async open(address: HttpAddress, log: Logger): Promise<HttpEndpoint> {
    const hosts = address.host === '' ? ['::', '0.0.0.0'] : [address.host];
    for (let i = 0; ; i++) {
      const endpoint = new HttpEndpoint();
      try {
        await endpoint.app.listen({ host: hosts[i]!, port: address.port });
        endpoint.bound = endpoint.app.server.address() as AddressInfo;
        log.info(`listening on http://${formatAddress({ host: endpoint.bound.address, port: endpoint.bound.port })}`);
        return endpoint;
      } catch (err) {
        await endpoint.app.close();
        if (i + 1 < hosts.length && isNoIPv6(err)) continue;
        const reason = err instanceof Error ? err.message : String(err);
        throw new ChainDNSError('CHAINDNS_LISTEN', `cannot listen on http ${formatAddress(address)}: ${reason}`, { cause: err });
      }
    }
  }

  /** Where a local client reaches this listener: `http://[::1]:8080` for one on `::`, `http://127.0.0.1:8080` for one on `0.0.0.0`. */
  get url(): string {
    const { address, port } = this.bound!;
    const host = address === '::' ? '::1' : address === '0.0.0.0' ? '127.0.0.1' : address;
    return `http://${formatAddress({ host, port })}`;
  }

  /** Serves `path` with `handler` (the newest one answers) until the returned function is called. */
  serve(path: string, handler: PathHandler): () => void {
    const stack = this.paths.get(path) ?? [];
    stack.push(handler);
    this.paths.set(path, stack);
    return () => {
      const at = stack.indexOf(handler);
      if (at >= 0) stack.splice(at, 1);
    };
  }

  close(): Promise<void> {
    return this.app.close();
  }
}

/**
 * Serves `path` on the listener for `address`, shared by every block and
 * config generation that names the same address: opened by the first, kept
 * across a reload, closed when the last holder is retired. The handler is
 * withdrawn when this config generation shuts down.
 */
export async function servePath(ctx: SetupContext, address: HttpAddress, path: string, handler: PathHandler): Promise<HttpEndpoint> {
  const endpoint = await ctx.shared(
    `http:${formatAddress(address)}`,
    () => HttpEndpoint.open(address, ctx.log),
    (e) => e.close(),
  );
  ctx.onShutdown(endpoint.serve(path, handler));
  return endpoint;
}

function isNoIPv6(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL';
}
