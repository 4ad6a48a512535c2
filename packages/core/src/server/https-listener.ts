import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2Session, IncomingHttpHeaders as IncomingHttp2Headers, ServerHttp2Stream } from 'node:http2';
import type net from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import { httpDate } from '../http-date.js';
import type { Logger } from '../logger.js';
import type { FrameHandler, StreamListener, StreamSocketBinder } from '../transport.js';
import type { ConnectionOptions } from './connection-table.js';
import { MAX_PENDING } from './connection-table.js';
import { DOH_MEDIA_TYPE, dohMaxAge, MAX_DOH_MESSAGE, readDohHead } from './doh.js';
import { Handoff } from './handoff.js';
import { HttpConnection } from './http-connection.js';
import { listenStream } from './stream-listener.js';

// Node's CommonJS faces of them: the ESM one of node:http reads every export, which loads undici (CONTRIBUTING.md).
const http = process.getBuiltinModule('node:http');
const http2 = process.getBuiltinModule('node:http2');
import { type ServerTls, tlsServerOptions } from './tls-settings.js';

/** Sends one response: its status, headers and body. */
type Respond = (status: number, headers: OutgoingHttpHeaders, body: Buffer | string) => void;

const { HTTP2_HEADER_STATUS, HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, NGHTTP2_REFUSED_STREAM } = http2.constants;

/**
 * DNS over HTTPS (RFC 8484): GET and POST on `/dns-query`, HTTP/2 (ALPN
 * `h2`) and HTTP/1.1 over TLS; without TLS (`settings` null, behind a proxy
 * that terminates it) plain HTTP/1.1, as CoreDNS serves an `https://` block
 * without `tls`. `count` takes each response's HTTP status.
 *
 * TLS is its own front (a reload replaces it, with a new certificate); the
 * decrypted socket then goes, by its ALPN protocol, to an HTTP/2 server
 * (its stream API: no request and response objects per query) or to an
 * HTTP/1.1 server.
 */
export function listenHttps(
  address: string,
  port: number,
  options: ConnectionOptions,
  settings: ServerTls | null,
  onQuery: FrameHandler,
  count: (status: number) => void,
  log: Logger,
  reusePort?: StreamSocketBinder,
): Promise<StreamListener> {
  const handoff = new Handoff<HttpConnection>();
  const sessions = new WeakMap<Http2Session, HttpConnection>();
  const sockets = new WeakMap<net.Socket, HttpConnection>();
  let arriving: HttpConnection | null = null;

  const h2 = http2.createServer({ settings: { maxConcurrentStreams: MAX_PENDING } });
  h2.on('session', (session: Http2Session) => {
    if (arriving) sessions.set(session, arriving);
  });
  h2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttp2Headers) => {
    const conn = sessions.get(stream.session!);
    if (!conn) return stream.close(NGHTTP2_REFUSED_STREAM);
    // A stream the client resets is its own business; an unhandled error event would not be.
    stream.on('error', () => {});
    const respond: Respond = (status, head, body) => {
      if (stream.closed) return;
      stream.respond({ [HTTP2_HEADER_STATUS]: status, date: httpDate(), ...head });
      stream.end(body);
    };
    serveDoh(conn, one(headers[HTTP2_HEADER_METHOD]), one(headers[HTTP2_HEADER_PATH]), one(headers[HTTP2_HEADER_CONTENT_TYPE]), stream, respond, onQuery, count);
  });
  // A client's protocol error ends its session; it is no error of ours.
  h2.on('sessionError', () => {});

  const h1 = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const conn = sockets.get(req.socket);
    if (!conn) return res.destroy();
    const respond: Respond = (status, head, body) => {
      res.sendDate = false;
      res.writeHead(status, { date: httpDate(), ...head });
      res.end(body);
    };
    serveDoh(conn, req.method, req.url, req.headers['content-type'], req, respond, onQuery, count, res);
  });
  // Idle connections are the connection table's to close (the idle timeout), not Node's keep-alive timer.
  h1.keepAliveTimeout = 0;
  h1.on('clientError', (_err, socket: net.Socket) => socket.destroy());

  /** Hands a connection's (decrypted) socket to the HTTP server its ALPN protocol names. */
  const route = (conn: HttpConnection, socket: net.Socket): void => {
    if ((socket as tls.TLSSocket).alpnProtocol === 'h2') {
      arriving = conn;
      h2.emit('connection', socket);
      arriving = null;
    } else {
      sockets.set(socket, conn);
      h1.emit('connection', socket);
    }
  };
  const frontFor = (next: ServerTls | null): tls.Server | null => {
    if (!next) return null;
    const front = tls.createServer(tlsServerOptions(next, ['h2', 'http/1.1']));
    handoff.watch(front, next, route);
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
      else if (front) handoff.hand(socket, conn, front);
      else route(conn, socket);
    },
    log,
    reusePort,
  ).then((binding) => ({
    ...binding,
    update: (next: ServerTls | null) => {
      front = frontFor(next);
    },
  }));
}

/** A header's value; the first of repeated ones. */
function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One request: refused with its status, or its message through the chain
 * and the answer back. `body` is the request's body, `closed` what emits
 * `close` when the exchange is over (the HTTP/2 stream, the HTTP/1.1 response).
 */
function serveDoh(
  conn: HttpConnection,
  method: string | undefined,
  path: string | undefined,
  contentType: string | undefined,
  body: Readable,
  send: Respond,
  onQuery: FrameHandler,
  count: (status: number) => void,
  closed: { once(event: 'close', listener: () => void): unknown } = body,
): void {
  const head = readDohHead(method, path, contentType);
  let reading = head.kind === 'body';
  let sending = false;
  conn.opened(reading);
  closed.once('close', () => conn.closed(reading, sending));
  const respond = (status: number, headers: OutgoingHttpHeaders, text: Buffer | string): void => {
    if (sending) return;
    sending = true;
    conn.answered();
    count(status);
    headers['content-length'] = Buffer.byteLength(text);
    send(status, headers, text);
  };
  const fail = (status: number, reason: string, allow?: string): void =>
    respond(status, allow ? { 'content-type': 'text/plain; charset=utf-8', allow } : { 'content-type': 'text/plain; charset=utf-8' }, `${reason}\n`);
  const query = (msg: Buffer): void => {
    // One HTTP answer per query: a zone transfer's further messages have no way back over DNS over HTTPS.
    const sink = {
      sendFrame: (reply: Buffer, more?: boolean) => more || respond(200, { 'content-type': DOH_MEDIA_TYPE, 'cache-control': `max-age=${dohMaxAge(reply)}` }, reply),
      // RFC 8484 4.2.1 leaves it open; CoreDNS answers 500 when the chain wrote nothing.
      noReply: () => fail(500, 'No response'),
    };
    if (!onQuery(msg, conn.from, sink)) fail(400, 'invalid request: not a DNS query');
  };
  if (head.kind === 'refused') fail(head.status, head.reason, head.allow);
  else if (head.kind === 'message') query(head.msg);
  else
    readBody(body, (msg) => {
      reading = false;
      conn.bodyDone();
      if (msg) query(msg);
      else fail(400, 'invalid request: the body is longer than a DNS message');
    });
}

/** Reads a POST body of at most MAX_DOH_MESSAGE bytes; null when it is longer (the rest is read and dropped). */
function readBody(body: Readable, done: (msg: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  body.on('data', (chunk: Buffer) => {
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
  body.on('end', () => {
    if (!over) done(Buffer.concat(chunks, size));
  });
}
