import type { Scheme } from '../corefile/types.js';
import type { Next } from '../plugin.js';
import type { ServerTls } from './tls-settings.js';

/** CoreDNS's `server` label: `dns://:53` for all addresses, `dns://127.0.0.1:53` when bound, `tls://:853` for DNS over TLS. */
export function serverLabel(scheme: Scheme, address: string | null, port: number): string {
  if (address === null) return `${scheme}://:${port}`;
  return address.includes(':') ? `${scheme}://[${address}]:${port}` : `${scheme}://${address}:${port}`;
}

/** One server block as the router sees it: its chain and the generation that owns it. */
export interface Route {
  readonly chain: Next;
  readonly owner: InflightCounter;
  /** A plugin of the block declared `anyClass`: questions of a class other than IN reach the chain. */
  readonly anyClass: boolean;
}

/** Counts the queries a config generation is still answering, so a stop or reload can drain them. */
export class InflightCounter {
  private count = 0;
  private waiters: (() => void)[] = [];

  enter(): void {
    this.count++;
  }
  leave(): void {
    if (--this.count === 0 && this.waiters.length) {
      for (const w of this.waiters.splice(0)) w();
    }
  }
  get size(): number {
    return this.count;
  }
  /** Resolves when nothing is in flight, or after `timeoutMs`. */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** A zone and the route of its block. */
export interface RouteMatch {
  readonly zone: string;
  readonly route: Route;
}

/**
 * The zones one listener serves, each to its block. A query goes to the
 * longest zone that is a suffix of its (lowercased) name.
 */
export class Router {
  private readonly zones = new Map<string, RouteMatch>();
  /** The lengths of the zones served: a suffix of another length is never cut out of a name. */
  private readonly lengths = new Set<number>();
  private root: RouteMatch | null = null;
  /** CoreDNS's `server` label for queries on this listener: `dns://:53`. */
  server: string;
  /** What a `tls://` or `https://` listener serves: its blocks' TLS (null: none, plain HTTP for `https://`). */
  tls: ServerTls | null = null;

  constructor(
    readonly scheme: Scheme,
    /** The bound address for the label, or null when the block listens on all addresses. */
    private readonly address: string | null,
    port: number,
  ) {
    this.server = serverLabel(scheme, address, port);
  }

  /** Relabels once a port-0 listener knows its port. */
  setPort(port: number): void {
    this.server = serverLabel(this.scheme, this.address, port);
  }

  add(zone: string, route: Route): void {
    const match = { zone, route };
    this.zones.set(zone, match);
    this.lengths.add(zone.length);
    if (zone === '.') this.root = match;
  }

  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  /**
   * The route and zone for a query, or null when no zone covers its name
   * (REFUSED). A listener serving the root zone alone never reads the name.
   */
  match(req: { readonly qname: string }): RouteMatch | null {
    if (this.root !== null && this.zones.size === 1) return this.root;
    const qname = req.qname;
    for (let i = 0; ; ) {
      if (this.lengths.has(qname.length - i)) {
        const match = this.zones.get(i === 0 ? qname : qname.slice(i));
        if (match) return match;
      }
      i = nextLabel(qname, i);
      if (i < 0) return this.root;
    }
  }
}

/** Where the parent of the name at `from` starts (past its first label's unescaped dot), or -1 past the last label. */
function nextLabel(name: string, from: number): number {
  for (let i = from; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x2e) return i + 1 < name.length ? i + 1 : -1;
  }
  return -1;
}
