import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { exchangeFramed } from './client.js';

// Node's CommonJS faces of them: the ESM one of node:http reads every export, which loads undici (CONTRIBUTING.md).
const http = process.getBuiltinModule('node:http');
const http2 = process.getBuiltinModule('node:http2');
const https = process.getBuiltinModule('node:https');

/** How a test client connects over TLS. */
export interface TlsClientOptions {
  /** Default 127.0.0.1. */
  readonly address?: string;
  /** The client's own address (127.0.0.2, say); default the system's choice. */
  readonly localAddress?: string;
  /** The CA the server's certificate must chain to; without it the certificate is not checked. */
  readonly ca?: Buffer;
  /** A client certificate and its key. */
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** The ALPN protocols offered (DNS over TLS: `['dot']` by default; `[]` offers none). */
  readonly alpn?: readonly string[];
  /** Default 2000. */
  readonly timeoutMs?: number;
}

/** A TLS connection to `host:port` from `options.localAddress`, offering `alpn`. */
function connect(host: string, port: number, options: TlsClientOptions, alpn: readonly string[]): tls.TLSSocket {
  const socket = net.connect({ host, port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  return tls.connect({ socket, ...secure(options), ...(alpn.length > 0 ? { ALPNProtocols: [...alpn] } : {}) });
}

function secure(options: TlsClientOptions): tls.ConnectionOptions {
  return {
    ...(options.ca ? { ca: options.ca, servername: 'localhost' } : { rejectUnauthorized: false }),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
  };
}

/** Sends `msg` as one framed query over a new DNS over TLS connection and resolves with the reply; rejects when the connection fails or closes without one. */
export function exchangeTls(port: number, msg: Uint8Array, options: TlsClientOptions = {}): Promise<Buffer> {
  const host = options.address ?? '127.0.0.1';
  return exchangeFramed(connect(host, port, options, options.alpn ?? ['dot']), 'secureConnect', msg, options.timeoutMs ?? 2000, 'DNS over TLS', `${host}:${port}`);
}

/** One DNS over HTTPS request. */
export interface HttpsRequest {
  /** Default GET. */
  readonly method?: string;
  /** Default `/dns-query`, with `?dns=` and the message in base64url for a GET. */
  readonly path?: string;
  /** The message: a GET's `dns` parameter, a POST's body. */
  readonly msg?: Uint8Array;
  /** A POST's Content-Type; default `application/dns-message`. */
  readonly contentType?: string;
  /** `h2` (the default, ALPN `h2`), `http/1.1` over TLS (no ALPN offered: the fallback), or `http` (HTTP/1.1 without TLS). */
  readonly protocol?: 'h2' | 'http/1.1' | 'http';
}

export interface HttpsResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The protocol the exchange used. */
  readonly protocol: string;
}

/** Sends one DNS over HTTPS request on a new connection and resolves with the response. */
export function exchangeHttps(port: number, request: HttpsRequest, options: TlsClientOptions = {}): Promise<HttpsResponse> {
  const host = options.address ?? '127.0.0.1';
  const method = request.method ?? 'GET';
  const msg = request.msg ? Buffer.from(request.msg) : null;
  const path = request.path ?? (method === 'GET' && msg ? `/dns-query?dns=${msg.toString('base64url')}` : '/dns-query');
  const headers: Record<string, string> = method === 'POST' ? { 'content-type': request.contentType ?? 'application/dns-message' } : {};
  const timeoutMs = options.timeoutMs ?? 2000;
  const protocol = request.protocol ?? 'h2';
  if (protocol === 'h2') {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`https://${host.includes(':') ? `[${host}]` : host}:${port}`, { createConnection: () => connect(host, port, options, ['h2']) });
      const timer = setTimeout(() => session.destroy(new Error(`no DNS over HTTPS response from ${host}:${port} within ${timeoutMs}ms`)), timeoutMs);
      session.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      const stream = session.request({ ':method': method, ':path': path, ...headers });
      const chunks: Buffer[] = [];
      let status = 0;
      let got: IncomingHttpHeaders = {};
      stream.on('response', (h) => {
        status = Number(h[':status']);
        got = h as IncomingHttpHeaders;
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => {
        clearTimeout(timer);
        session.close();
        resolve({ status, headers: got, body: Buffer.concat(chunks), protocol: 'h2' });
      });
      stream.once('error', (err) => {
        clearTimeout(timer);
        session.destroy();
        reject(err);
      });
      stream.end(method === 'POST' && msg ? msg : undefined);
    });
  }
  return new Promise((resolve, reject) => {
    const common = { host, port, method, path, headers, agent: false, timeout: timeoutMs, ...(options.localAddress ? { localAddress: options.localAddress } : {}) };
    const req = protocol === 'http' ? http.request(common) : https.request({ ...common, ...secure(options) });
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), protocol: `http/${res.httpVersion}` }));
    });
    req.once('timeout', () => req.destroy(new Error(`no DNS over HTTPS response from ${host}:${port} within ${timeoutMs}ms`)));
    req.once('error', reject);
    req.end(method === 'POST' && msg ? msg : undefined);
  });
}
