import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HostPort, type HttpListen, HttpListener, type Logger } from '@chaindns/core';
import type { Live } from './live.js';

/** Streams one listener serves at once; more get 503 (each costs a frame's JSON a second). */
export const MAX_STREAMS = 16;
/** A stream whose client reads slower than this backlog is dropped, so memory stays bounded. */
const MAX_BACKLOG_BYTES = 1 << 20;

/** A file of the page, as `#assets` holds it. */
interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly etag: string;
}

let assets: Promise<ReadonlyMap<string, Asset>> | null = null;

/** The page's files, loaded on the first request (a server nobody looks at never reads them). */
function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  return (assets ??= import('#assets').then(({ files }) => {
    const map = new Map<string, Asset>();
    for (const [path, { type, body }] of Object.entries(files)) {
      map.set(path, { type, body: Buffer.from(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
    }
    return map;
  }));
}

// What the page may load: its own files, nothing from elsewhere (it works in an air-gapped cluster).
const HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/**
 * The dashboard's HTTP side, on core's plain `node:http` listener (as
 * health and metrics): the page, its assets, a JSON snapshot and a
 * server-sent-events stream of one frame a second.
 */
export class DashboardServer {
  /** The token of each config generation that serves here (null: none); the newest counts, so a reload hands over. */
  private readonly tokens: (Buffer | null)[] = [];

  private constructor(
    private readonly http: HttpListener,
    private readonly live: Live,
  ) {
    http.serve('/', (req, res) => {
      this.answer(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `dashboard: ${err instanceof Error ? err.message : String(err)}\n`);
        else res.destroy();
      });
    });
  }

  /** Listens on `address`; `:PORT` takes `::` (IPv4 too), or `0.0.0.0` on a host without IPv6. */
  static async open(address: HostPort, live: Live, log: Logger, listen?: HttpListen): Promise<DashboardServer> {
    const endpoint = new DashboardServer(await HttpListener.open(address, listen), live);
    log.info(`serving the dashboard on ${endpoint.url}/`);
    return endpoint;
  }

  /** Where a local client reaches it: loopback when it listens on every address. */
  get url(): string {
    return this.http.url;
  }

  /** Requires `token` (null: none) until the returned function is called; the newest config's counts. */
  serve(token: string | null): () => void {
    const entry = token === null ? null : digest(token);
    this.tokens.push(entry);
    return () => {
      const at = this.tokens.indexOf(entry);
      if (at >= 0) this.tokens.splice(at, 1);
    };
  }

  get port(): number {
    return this.http.port;
  }

  /** Stops listening and ends every stream (they would hold the close forever). */
  close(): Promise<void> {
    return this.http.close();
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed: the dashboard answers GET and HEAD\n');
    }
    if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') return this.asset(req, res, url.pathname);
    if (url.pathname !== '/' && url.pathname !== '/api/snapshot' && url.pathname !== '/api/stream') return send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    if (!this.authorized(req, url)) {
      res.setHeader('www-authenticate', 'Bearer realm="chaindns dashboard"');
      return send(res, 401, 'text/plain; charset=utf-8', 'this dashboard needs its token: open /?token=TOKEN (the token of the dashboard directive), or send Authorization: Bearer TOKEN\n');
    }
    if (url.pathname === '/') return this.asset(req, res, '/');
    if (url.pathname === '/api/snapshot') {
      res.setHeader('cache-control', 'no-store');
      return send(res, 200, 'application/json', JSON.stringify(await this.live.snapshot()), req.method === 'HEAD');
    }
    this.stream(req, res);
  }

  /** The token, from `?token=` (the page's, and EventSource's only way) or an `Authorization: Bearer` header. */
  private authorized(req: IncomingMessage, url: URL): boolean {
    const token = this.tokens.at(-1) ?? null;
    if (token === null) return true;
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const given = url.searchParams.get('token') ?? bearer;
    return given !== undefined && given !== null && timingSafeEqual(digest(given), token);
  }

  private async asset(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const file = (await loadAssets()).get(path);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', '404 page not found\n');
    res.setHeader('etag', file.etag);
    res.setHeader('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, HEADERS).end();
      return;
    }
    send(res, 200, file.type, file.body, req.method === 'HEAD');
  }

  /** Server-sent events: `data: FRAME` once a second while the client stays. */
  private stream(req: IncomingMessage, res: ServerResponse): void {
    if (this.live.streams >= MAX_STREAMS) return send(res, 503, 'text/plain; charset=utf-8', `the dashboard serves ${MAX_STREAMS} streams at once; close one\n`);
    res.writeHead(200, { ...HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
    if (req.method === 'HEAD') return void res.end();
    res.write('retry: 2000\n\n');
    const stop = this.live.subscribe((frame) => {
      if (res.writableLength > MAX_BACKLOG_BYTES) return void res.destroy();
      res.write(`data: ${JSON.stringify(frame)}\n\n`);
    });
    res.once('close', stop);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headOnly = false): void {
  res.writeHead(status, { ...HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}
