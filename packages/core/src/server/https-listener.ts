import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type net from 'node:net';
import type { Logger } from '../logger.js';
import type { FrameHandler, StreamListener } from '../transport.js';
import type { ConnectionOptions } from './connection-table.js';
import { MAX_PENDING } from './dns-connection.js';
import { DOH_MEDIA_TYPE, dohMaxAge, MAX_DOH_MESSAGE, readDohHead } from './doh.js';
import { Handoff } from './handoff.js';
import { HttpConnection } from './http-connection.js';
import { listenStream } from './stream-listener.js';
import { type ServerTls, tlsServerOptions } from './tls-settings.js';

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/**
 * DNS over HTTPS (RFC 8484): GET and POST on `/dns-query`, HTTP/2 (ALPN
 * `h2`) and HTTP/1.1 over TLS; without TLS (`settings` null, behind a proxy
 * that terminates it) plain HTTP/1.1, as CoreDNS serves an `https://` block
 * without `tls`. `count` takes each response's HTTP status.
 */
export function listenHttps(
  address: string,
  port: number,
  options: ConnectionOptions,
  settings: ServerTls | null,
  onQuery: FrameHandler,
  count: (status: number) => void,
  log: Logger,
): Promise<StreamListener> {
  const handoff = new Handoff<HttpConnection>();
  const serve = (req: Req, res: Res): void => {
    const conn = handoff.find(req.socket);
    if (conn) serveRequest(conn, req, res, onQuery, count);
    else res.destroy();
  };
  const frontFor = (tls: ServerTls | null): net.Server => {
    if (!tls) return http.createServer(serve).on('clientError', (_err, socket: net.Socket) => socket.destroy());
    const front = http2.createSecureServer({ ...tlsServerOptions(tls, ['h2', 'http/1.1']), allowHTTP1: true, settings: { maxConcurrentStreams: MAX_PENDING } }, serve);
    handoff.watch(front, tls, () => {});
    // A client's protocol error ends its session; it is no error of ours.
    front.on('sessionError', () => {});
    return front;
  };
  let front = frontFor(settings);
  return listenStream<HttpConnection>(
    'https',
    address,
    port,
    options,
    (socket, table) => {
      const conn = new HttpConnection(socket, options, table);
      if (!table.admit(conn)) socket.destroy();
      else handoff.hand(socket, conn, front);
    },
    log,
  ).then((binding) => ({
    ...binding,
    update: (next: ServerTls | null) => {
      front = frontFor(next);
    },
  }));
}

/** One request: refused with its status, or its message through the chain and the answer back. */
function serveRequest(conn: HttpConnection, req: Req, res: Res, onQuery: FrameHandler, count: (status: number) => void): void {
  const head = readDohHead(req.method, req.url, req.headers['content-type']);
  let reading = head.kind === 'body';
  let sending = false;
  conn.opened(reading);
  res.once('close', () => conn.closed(reading, sending));
  const respond = (status: number, headers: Record<string, string | number>, body: Buffer | string): void => {
    if (sending) return;
    sending = true;
    conn.answered();
    count(status);
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const fail = (status: number, reason: string, extra: Record<string, string> = {}): void => respond(status, { 'content-type': 'text/plain; charset=utf-8', ...extra }, `${reason}\n`);
  const query = (msg: Buffer): void => {
    const sink = { sendFrame: (reply: Buffer) => respond(200, { 'content-type': DOH_MEDIA_TYPE, 'cache-control': `max-age=${dohMaxAge(reply)}` }, reply) };
    if (!onQuery(msg, conn.from, sink)) fail(400, 'invalid request: not a DNS query');
  };
  if (head.kind === 'refused') fail(head.status, head.reason, head.allow ? { allow: head.allow } : {});
  else if (head.kind === 'message') query(head.msg);
  else readBody(req, (body) => {
    reading = false;
    conn.bodyDone();
    if (body) query(body);
    else fail(400, 'invalid request: the body is longer than a DNS message');
  });
}

/** Reads a POST body of at most MAX_DOH_MESSAGE bytes; null when it is longer (the rest is read and dropped). */
function readBody(req: Req, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size <= MAX_DOH_MESSAGE) {
      chunks.push(chunk);
      return;
    }
    over = true;
    chunks.length = 0;
    done(null);
  });
  req.on('end', () => {
    if (!over) done(Buffer.concat(chunks, size));
  });
}
