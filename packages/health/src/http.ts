import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChainDNSError, formatHostPort, type HostPort, isNoIPv6, listenHosts, listenShared, type Logger, type SetupContext } from '@chaindns/core';

/** How a plugin listens (SetupContext.listen: with SO_REUSEPORT where the server shares its ports). */
export type Listen = SetupContext['listen'];

/** An HTTP listen address: `:8080`, `127.0.0.1:8080`, `[::1]:8080`, `localhost:8181`. */
export type HttpAddress = HostPort;

/** What a path answers: an HTTP status and a plain-text body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export type PathHandler = () => HttpAnswer;

export const OK: HttpAnswer = { status: 200, body: 'OK' };
// Go's http.ServeMux answers this for a path nobody serves.
const NOT_FOUND: HttpAnswer = { status: 404, body: '404 page not found\n' };

/**
 * One HTTP listener (node:http) and the paths it serves. Each path keeps a
 * stack of handlers (one per block and config generation that serves it);
 * the newest answers, so a reload hands over without closing the socket.
 */
export class HttpEndpoint {
  private readonly paths = new Map<string, PathHandler[]>();
  private readonly server: Server = createServer((req, res) => this.answer(req, res));
  private bound: AddressInfo | null = null;

  /** Go's mux answers any method on an exact path; so do we (the query string is ignored). */
  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const handler = this.paths.get(path)?.at(-1);
    const { status, body } = handler ? handler() : NOT_FOUND;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  }

  /** Listens on `address` with `listen`; `:PORT` takes `::` (IPv4 too), or `0.0.0.0` on a host without IPv6. */
  static async open(address: HttpAddress, log: Logger, listen: Listen = (server, host, port) => listenShared(server, host, port, null)): Promise<HttpEndpoint> {
    const hosts = listenHosts(address.host);
    for (let i = 0; ; i++) {
      const endpoint = new HttpEndpoint();
      try {
        endpoint.bound = await listen(endpoint.server, hosts[i]!, address.port);
        log.info(`listening on http://${formatHostPort({ host: endpoint.bound.address, port: endpoint.bound.port })}`);
        return endpoint;
      } catch (err) {
        if (i + 1 < hosts.length && isNoIPv6(err)) continue;
        const reason = err instanceof Error ? err.message : String(err);
        throw new ChainDNSError('CHAINDNS_LISTEN', `cannot listen on http ${formatHostPort(address)}: ${reason}`, { cause: err });
      }
    }
  }

  /** Where a local client reaches this listener: `http://[::1]:8080` for one on `::`, `http://127.0.0.1:8080` for one on `0.0.0.0`. */
  get url(): string {
    const { address, port } = this.bound!;
    const host = address === '::' ? '::1' : address === '0.0.0.0' ? '127.0.0.1' : address;
    return `http://${formatHostPort({ host, port })}`;
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

  /**
   * Stops listening and drops every connection: answers are synchronous, so
   * none is cut short, and one that never sent a request would otherwise hold
   * the close (and the process's stop) until Node's header timeout.
   */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
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
    `http:${formatHostPort(address)}`,
    () => HttpEndpoint.open(address, ctx.log, ctx.listen),
    (e) => e.close(),
  );
  ctx.onShutdown(endpoint.serve(path, handler));
  return endpoint;
}
