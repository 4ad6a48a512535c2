import type { ClientRequest, IncomingMessage } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '#client-node';
import { KeepAliveAgent } from './keep-alive.js';
import { ListPageReader } from './list-page.js';
import { NOT_WATCHING, type Watching } from './list-watch.js';
import type { KubernetesMetrics } from './metrics.js';
import { type ListHead, ProtoListReader, unwrap } from './proto-list.js';
import { statusMessage as protoStatusMessage } from './proto-objects.js';
import { PROTOBUF_MEDIA_TYPE as PROTOBUF, ProtoError, type ProtoReader } from './protobuf.js';
import { Semaphore, TokenBucket } from './request-limits.js';
import { WatchEventReader } from './watch-stream.js';

// Node's CommonJS face of it: the ESM one of node:http reads every export, which loads undici, TLS and HTTP/2 (CONTRIBUTING.md).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/** client-go's defaults when apiserver_qps / apiserver_burst are not set. */
export const DEFAULT_QPS = 5;
export const DEFAULT_BURST = 10;
/** Objects per list page (client-go's pager default). */
const PAGE_SIZE = 500;
/** How long a list page may take, from its request to its last byte. */
const PAGE_TIMEOUT_MS = 60_000;
/**
 * What lists ask for: Protocol Buffers, as CoreDNS's client-go does for
 * the built-in kinds, else JSON (what a server or proxy that has no
 * Protocol Buffers for the kind answers). The 100,000 endpoints of a large
 * cluster are 8.6 MB of it against 19.4 MB of JSON, and reading it skips
 * whatever the plugin does not read (managedFields, annotations) by length.
 */
const LIST_ACCEPT = `${PROTOBUF}, application/json`;
/** The most of an error response's body that is kept, for its Status's message. */
const ERROR_BODY_MAX = 64 * 1024;

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** How a list's items become what its caller takes: from their JSON (parsed), and from Protocol Buffers when the kind has a decoder. */
export interface ItemReader<T> {
  json(raw: unknown): T;
  readonly proto: ((r: ProtoReader, end: number) => T) | null;
}

/**
 * Talks to the API server for the informers, with the kubeconfig's
 * credentials: lists (paged), the client-side rate limit (qps/burst, one
 * token per list and per watch), the in-flight cap on lists, and CoreDNS's
 * rest-client metrics.
 */
export class ApiClient {
  readonly server: string;
  readonly host: string;
  private readonly limiter: TokenBucket;
  private readonly inflight: Semaphore | null;
  /** Through a proxy the agent stays client-node's (it speaks the proxy's protocol). */
  private readonly connections: KeepAliveAgent | null;

  constructor(
    private readonly kc: KubeConfig,
    private readonly metrics: KubernetesMetrics,
    limits: { qps: number | null; burst: number | null; maxInflight: number | null },
    private readonly pageTimeoutMs = PAGE_TIMEOUT_MS,
  ) {
    this.server = kc.getCurrentCluster()!.server.replace(/\/+$/, '');
    this.host = new URL(this.server).host;
    this.limiter = new TokenBucket(limits.qps ?? DEFAULT_QPS, limits.burst ?? DEFAULT_BURST);
    this.inflight = limits.maxInflight ? new Semaphore(limits.maxInflight) : null;
    this.connections = kc.getCurrentCluster()!.proxyUrl ? null : new KeepAliveAgent();
  }

  /** Closes the connections kept for the next request. */
  close(): void {
    this.connections?.close();
  }

  /** Waits for the rate limiter and records how long. */
  async throttle(verb: string): Promise<void> {
    const waited = await this.limiter.take();
    this.metrics.rateLimiterDuration.observe({ verb, host: this.host }, waited / 1000);
  }

  /** Records one request: its latency and its status code (`<error>` when none came back). */
  record(method: string, code: string, seconds: number): void {
    this.metrics.requestDuration.observe({ verb: method, host: this.host }, seconds);
    this.metrics.requests.inc({ code, method, host: this.host });
  }

  /**
   * Every object at `path`, page by page, each handed to `each` as it
   * arrives (so raw pages die young); resolves with the list's
   * resourceVersion. `resourceVersion` is the list's ("0": whatever version, which an API
   * server with a watch cache answers from it, in one page whatever the
   * limit; "": the newest, from etcd). The next page is asked for as soon as this one's
   * `continue` token has arrived, ahead of its items: the API server writes
   * it while this process reads, and the two pages' items may interleave.
   * `read` makes each item what `each` takes, from its JSON or its Protocol
   * Buffers; without a decoder for the latter the list asks for JSON only.
   */
  async list<T>(path: string, resourceVersion: string, labelSelector: string | null, fieldSelector: string | null, each: (item: T) => void, read: ItemReader<T>): Promise<string> {
    await this.throttle('GET');
    await this.inflight?.acquire();
    const pathOf = (next: string): string => {
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      // A continued list keeps its first page's version: the API server refuses one with both.
      if (resourceVersion && !next) query.set('resourceVersion', resourceVersion);
      if (labelSelector) query.set('labelSelector', labelSelector);
      if (fieldSelector) query.set('fieldSelector', fieldSelector);
      if (next) query.set('continue', next);
      return `${path}?${query}`;
    };
    let failed = false;
    const guarded = (item: T): void => {
      // After a failure a page still in flight may deliver items: the list is over.
      if (!failed) each(item);
    };
    let page = this.getPage(pathOf(''), guarded, read);
    let following: PageRequest | null = null;
    try {
      const listed = (await page.head).metadata?.resourceVersion ?? '';
      for (;;) {
        const next = (await page.head).metadata?.continue ?? '';
        following = next ? this.getPage(pathOf(next), guarded, read) : null;
        await page.done;
        if (!following) return listed;
        page = following;
        following = null;
      }
    } catch (err) {
      failed = true;
      page.abort();
      following?.abort();
      throw err;
    } finally {
      this.inflight?.release();
    }
  }

  /**
   * Watches `path` (`?watch=true` and `params`): each event goes to `onEvent` as soon as its line has
   * come. `done` is called once: when the server ends the watch (null: its timeoutSeconds), when it
   * fails or refuses (an HttpError with the status: 410 Gone, 403), or when an event is not one (or
   * `onEvent` throws); never after `abort()`. Resolves once the response has begun, or the request
   * has failed, with what closes it.
   */
  async watch(
    path: string,
    params: Readonly<Record<string, string | number | boolean | undefined>>,
    onEvent: (type: string, object: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<Watching> {
    const query = new URLSearchParams({ watch: 'true' });
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
    const pathAndQuery = `${path}?${query}`;
    let req: ClientRequest;
    try {
      req = await this.request(pathAndQuery, 'application/json');
    } catch (err) {
      done(err);
      return NOT_WATCHING;
    }
    let over = false;
    const finish = (err: unknown): void => {
      if (over) return;
      over = true;
      req.destroy();
      done(err);
    };
    const started = performance.now();
    await new Promise<void>((begun) => {
      // The API server answers a watch's head at once; its body may then stay quiet for minutes.
      const deadline = setTimeout(() => req.destroy(new Error(`GET ${pathAndQuery}: no response in ${this.pageTimeoutMs} ms`)), this.pageTimeoutMs).unref();
      // client-go's dialer keeps TCP alive every 30 s: a peer that vanished ends the watch.
      req.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
      let responded = false;
      req.on('error', (err) => {
        clearTimeout(deadline);
        if (!responded) this.record('GET', '<error>', (performance.now() - started) / 1000);
        begun();
        finish(err);
      });
      req.on('response', (res) => {
        responded = true;
        clearTimeout(deadline);
        const status = res.statusCode ?? 0;
        this.record('GET', String(status), (performance.now() - started) / 1000);
        begun();
        if (status !== 200) {
          void refusal(res, `GET ${pathAndQuery}`, false).then(finish);
          return;
        }
        const events = new WatchEventReader(onEvent);
        const fail = (err: unknown): void => finish(new Error(`GET ${pathAndQuery}: ${(err as Error).message}`, { cause: err }));
        res.on('data', (chunk: Buffer) => {
          if (over) return;
          try {
            events.push(chunk);
          } catch (err) {
            fail(err);
          }
        });
        res.on('end', () => {
          if (over) return;
          try {
            events.end();
          } catch (err) {
            return fail(err);
          }
          finish(null);
        });
        res.on('error', finish);
        res.on('close', () => finish(new Error(`GET ${pathAndQuery}: the connection closed inside the watch's body`)));
      });
      req.end();
    });
    return {
      abort: () => {
        over = true;
        req.destroy();
      },
    };
  }

  /** A GET of `pathAndQuery` with the kubeconfig's credentials, on the kept connections: not sent until ended. */
  private async request(pathAndQuery: string, accept: string): Promise<ClientRequest> {
    const opts: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const url = `${this.server}${pathAndQuery}`;
    const secure = url.startsWith('https:');
    const agent = this.connections?.for(opts, secure) ?? opts.agent;
    return (secure ? https : http).request(url, { ...opts, agent, method: 'GET', headers: { ...opts.headers, Accept: accept } });
  }

  /** GETs a list page: each item goes to `each` as soon as it has arrived (ListPageReader, ProtoListReader). */
  private getPage<T>(pathAndQuery: string, each: (item: T) => void, read: ItemReader<T>): PageRequest {
    const decode = read.proto;
    let req: ClientRequest | null = null;
    let aborted = false;
    let sendHead: (page: ListPage) => void = () => {};
    const head = new Promise<ListPage>((resolve) => (sendHead = resolve));
    const done = (async (): Promise<ListPage> => {
      const request = (req = await this.request(pathAndQuery, decode ? LIST_ACCEPT : 'application/json'));
      if (aborted) {
        request.destroy();
        throw new Error(`GET ${pathAndQuery}: aborted`);
      }
      const started = performance.now();
      return new Promise<ListPage>((resolve, reject) => {
        request.on('response', (res) => {
          const status = res.statusCode ?? 0;
          const protobuf = decode !== null && (res.headers['content-type'] ?? '').startsWith(PROTOBUF);
          if (status !== 200) {
            void refusal(res, `GET ${pathAndQuery}`, protobuf).then((err) => {
              this.record('GET', String(status), (performance.now() - started) / 1000);
              reject(err);
            });
            return;
          }
          const onHead = (p: unknown): void => sendHead(p as ListPage);
          const page = protobuf ? new ProtoListReader(decode, each, onHead) : new ListPageReader((raw) => each(read.json(raw)), onHead);
          let failed: Error | null = null;
          res.on('data', (chunk: Buffer) => {
            if (failed) return;
            try {
              page.push(chunk);
            } catch (err) {
              failed = err as Error;
            }
          });
          res.on('error', reject);
          res.on('end', () => {
            this.record('GET', String(status), (performance.now() - started) / 1000);
            try {
              if (failed) throw failed;
              resolve(page.end() as ListPage);
            } catch (err) {
              // A SyntaxError or ProtoError is the body's; anything else is the item's handler's, as it threw it.
              if (err instanceof SyntaxError) reject(new Error(`GET ${pathAndQuery}: bad JSON: ${err.message}`));
              else if (err instanceof ProtoError) reject(new Error(`GET ${pathAndQuery}: bad Protocol Buffers: ${err.message}`));
              else reject(err);
            }
          });
        });
        // A deadline for the whole page, not the socket's idle timeout: that one re-arms its timer at every chunk read,
        // and a list of 100,000 endpoints reads thousands of them (8 ms of a large start's CPU).
        const deadline = setTimeout(() => request.destroy(new Error(`GET ${pathAndQuery}: timed out after ${this.pageTimeoutMs} ms`)), this.pageTimeoutMs).unref();
        request.on('close', () => clearTimeout(deadline));
        request.on('error', (err) => {
          this.record('GET', '<error>', (performance.now() - started) / 1000);
          reject(err);
        });
        request.end();
      });
    })();
    // A page that fails before its items began tells it through `head` too.
    const early = Promise.race([head, done]);
    // Asked for ahead, a page may fail while the list still reads the one before: the list hears of it when it gets there.
    early.catch(() => {});
    return {
      head: early,
      done,
      abort: () => {
        aborted = true;
        // Its failure is the list's, reported once; this request's own is of no interest now.
        done.catch(() => {});
        (req as ClientRequest | null)?.destroy();
      },
    };
  }
}

/** What the list reads of a page: its metadata. */
type ListPage = Partial<ListHead>;

/** A page asked for: its metadata as soon as its items begin, and its end. */
interface PageRequest {
  readonly head: Promise<ListPage>;
  readonly done: Promise<ListPage>;
  abort(): void;
}

/**
 * The error of a refused request: its status, with the message of the Status in its body (an error's
 * Status is small: a longer body is dropped, and the HTTP status stands alone).
 */
function refusal(res: IncomingMessage, what: string, protobuf: boolean): Promise<HttpError> {
  return new Promise((resolve) => {
    const body: Buffer[] = [];
    let length = 0;
    res.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= ERROR_BODY_MAX) body.push(chunk);
    });
    const settle = (): void => {
      const status = res.statusCode ?? 0;
      const text = (length <= ERROR_BODY_MAX ? statusMessage(Buffer.concat(body), protobuf) : null) ?? res.statusMessage ?? '';
      resolve(new HttpError(status, `${what}: ${status} ${text}`.trim()));
    };
    res.on('end', settle);
    res.on('error', settle);
    res.on('close', settle);
  });
}

/** The message of a Kubernetes Status body, when that is what came back. */
function statusMessage(body: Buffer, protobuf: boolean): string | null {
  try {
    if (protobuf) {
      const r = unwrap(body);
      return protoStatusMessage(r, r.end) || null;
    }
    const status = JSON.parse(body.toString('utf8')) as { kind?: string; message?: string };
    return status.kind === 'Status' && status.message ? status.message : null;
  } catch {
    return null;
  }
}
