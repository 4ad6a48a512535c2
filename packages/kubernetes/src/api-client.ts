import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '#client-node';
import { KeepAliveAgent } from './keep-alive.js';
import type { KubernetesMetrics } from './metrics.js';

/** client-go's defaults when apiserver_qps / apiserver_burst are not set. */
export const DEFAULT_QPS = 5;
export const DEFAULT_BURST = 10;
/** Objects per list page (client-go's pager default). */
const PAGE_SIZE = 500;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * A token bucket as golang.org/x/time/rate (client-go's limiter): `burst`
 * tokens, refilled at `qps` a second; a caller that finds none reserves the
 * next one and waits for it.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }
  /** Resolves when the caller may go, with the milliseconds it waited. */
  async take(): Promise<number> {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    const wait = (-this.tokens / this.qps) * 1000;
    await new Promise((r) => setTimeout(r, wait));
    return wait;
  }
}

/** At most `max` holders at once; the others queue. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
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
   * Every object at `path`, page by page, each handed to `each` as its page
   * arrives (so raw pages die young); resolves with the list's resourceVersion.
   */
  async list(path: string, labelSelector: string | null, fieldSelector: string | null, each: (raw: unknown) => void): Promise<string> {
    await this.throttle('GET');
    await this.inflight?.acquire();
    try {
      let resourceVersion = '';
      let next = '';
      do {
        const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (labelSelector) query.set('labelSelector', labelSelector);
        if (fieldSelector) query.set('fieldSelector', fieldSelector);
        if (next) query.set('continue', next);
        const page = (await this.get(`${path}?${query}`)) as { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] | null };
        if (!resourceVersion) resourceVersion = page.metadata?.resourceVersion ?? '';
        for (const item of page.items ?? []) each(item);
        next = page.metadata?.continue ?? '';
      } while (next);
      return resourceVersion;
    } finally {
      this.inflight?.release();
    }
  }

  private async get(pathAndQuery: string): Promise<unknown> {
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const url = `${this.server}${pathAndQuery}`;
    const started = performance.now();
    const secure = url.startsWith('https:');
    const agent = this.connections?.for(opts, secure) ?? opts.agent;
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, { ...opts, agent, method: 'GET', headers: { ...opts.headers, Accept: 'application/json' } }, (res) => {
        // Decoded as it arrives: a page (a megabyte or two at 500 objects) is never one Buffer more,
        // which the C allocator would keep long after (RSS after a large sync, bench/README.md).
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          this.record('GET', String(status), (performance.now() - started) / 1000);
          if (status !== 200) {
            reject(new HttpError(status, `GET ${pathAndQuery}: ${status} ${statusMessage(body) ?? res.statusMessage ?? ''}`.trim()));
            return;
          }
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(new Error(`GET ${pathAndQuery}: bad JSON: ${(err as Error).message}`));
          }
        });
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`GET ${pathAndQuery}: timed out`)));
      req.on('error', (err) => {
        this.record('GET', '<error>', (performance.now() - started) / 1000);
        reject(err);
      });
      req.end();
    });
  }
}

/** The message of a Kubernetes Status body, when that is what came back. */
function statusMessage(body: string): string | null {
  try {
    const status = JSON.parse(body) as { kind?: string; message?: string };
    return status.kind === 'Status' && status.message ? status.message : null;
  } catch {
    return null;
  }
}
