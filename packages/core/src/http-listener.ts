import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { formatHostPort, type HostPort, isNoIPv6, listenHosts } from './corefile/host-port.js';
import { ChainDNSError } from './errors.js';
import { httpDate } from './http-date.js';
import { listenShared } from './server/listen-http.js';

// Node's CommonJS face of it: the ESM one of node:http reads every export, which loads undici, TLS and HTTP/2 (CONTRIBUTING.md).
const { createServer } = process.getBuiltinModule('node:http');

/** How a listener binds: SetupContext.listen (SO_REUSEPORT where the server shares its ports), or a plain listen. */
export type HttpListen = (server: NetServer, host: string, port: number) => Promise<AddressInfo>;

/** Answers one HTTP request on a path. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * One plain-HTTP listener (node:http, not a framework: health, prometheus
 * and the like answer a few fixed paths, and a framework costs megabytes of
 * RSS) and the paths it serves. Each path keeps a stack of handlers (one per
 * block and config generation that serves it); the newest answers, so a
 * reload hands over without closing the socket. As Go's http.ServeMux: every
 * method, the query string ignored, a path ending in `/` serves its subtree
 * (the longest such wins where no exact path does), Go's 404 elsewhere.
 */
export class HttpListener {
  private readonly paths = new Map<string, HttpHandler[]>();
  private readonly server: Server = createServer((req, res) => this.answer(req, res));
  private bound: AddressInfo | null = null;

  private answer(req: IncomingMessage, res: ServerResponse): void {
    res.sendDate = false;
    res.setHeader('date', httpDate());
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const handler = this.paths.get(path)?.at(-1) ?? this.subtree(path);
    if (handler) handler(req, res);
    else sendText(res, 404, '404 page not found\n');
  }

  private subtree(path: string): HttpHandler | undefined {
    for (let end = path.lastIndexOf('/'); end >= 0; end = path.lastIndexOf('/', end - 1)) {
      const handler = this.paths.get(path.slice(0, end + 1))?.at(-1);
      if (handler) return handler;
      if (end === 0) break;
    }
    return undefined;
  }

  /**
   * Listens on `address` with `listen` (pass `ctx.listen`, so that a successor
   * process can bind beside this one during an upgrade); `:PORT` takes `::`
   * (IPv4 too), or `0.0.0.0` on a host without IPv6.
   */
  static async open(address: HostPort, listen: HttpListen = (server, host, port) => listenShared(server, host, port, null)): Promise<HttpListener> {
    const hosts = listenHosts(address.host);
    for (let i = 0; ; i++) {
      const listener = new HttpListener();
      try {
        listener.bound = await listen(listener.server, hosts[i]!, address.port);
        return listener;
      } catch (err) {
        if (i + 1 < hosts.length && isNoIPv6(err)) continue;
        const reason = err instanceof Error ? err.message : String(err);
        throw new ChainDNSError('CHAINDNS_LISTEN', `cannot listen on http ${formatHostPort(address)}: ${reason}`, { cause: err });
      }
    }
  }

  /** The port it listens on (the one chosen when 0 was asked for). */
  get port(): number {
    return this.bound!.port;
  }

  /** Where a local client reaches this listener: `http://[::1]:8080` for one on `::`, `http://127.0.0.1:8080` for one on `0.0.0.0`. */
  get url(): string {
    const { address, port } = this.bound!;
    const host = address === '::' ? '::1' : address === '0.0.0.0' ? '127.0.0.1' : address;
    return `http://${formatHostPort({ host, port })}`;
  }

  /** Serves `path` with `handler` (the newest one answers) until the returned function is called. */
  serve(path: string, handler: HttpHandler): () => void {
    const stack = this.paths.get(path) ?? [];
    stack.push(handler);
    this.paths.set(path, stack);
    return () => {
      const at = stack.indexOf(handler);
      if (at >= 0) stack.splice(at, 1);
    };
  }

  /**
   * Stops listening and drops every connection: one that never sent a
   * request would otherwise hold the close (and the process's stop) until
   * Node's header timeout, and a stream (server-sent events) never ends.
   */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** Sends `body` whole, with its length. */
export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);
}
