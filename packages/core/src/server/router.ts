import type { Scheme } from '../corefile/types.js';
import type { Metadata } from '../metadata.js';
import type { BlockView, MetadataCollector, Next } from '../plugin.js';
import type { Listening, Request } from '../wire/request.js';
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
  /** The block's view (`ctx.view`): it serves a query only when the view accepts it. Null: every query. */
  readonly view: BlockView | null;
  /** Makes a query's metadata before the view decides (`ctx.collectMetadata`); null when the block has no collector. */
  readonly metadata: MetadataCollector | null;
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
  /** The next block of the same zone on this listener, in the Corefile's order (blocks with views). */
  next: RouteMatch | null;
}

/** The query as routing reads and marks it. */
export type RoutedQuery = Pick<Request, 'qname'> & Partial<Pick<Request, 'view' | 'metadata'>>;

/**
 * The zones one listener serves, each to its blocks. A query goes to the
 * longest zone that is a suffix of its (lowercased) name, and of the blocks
 * of that zone to the first, in the Corefile's order, whose view accepts it
 * (a block without a view accepts every query); when none does, to the
 * next shorter zone, as CoreDNS's server does with views.
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
  /** The listener's address and port, as queries see them (Request.local). */
  local: Listening;

  constructor(
    readonly scheme: Scheme,
    /** The bound address for the label, or null when the block listens on all addresses. */
    private readonly address: string | null,
    port: number,
    /** The address the listener binds. */
    private readonly bound: string = address ?? '::',
  ) {
    this.server = serverLabel(scheme, address, port);
    this.local = { address: bound, port };
  }

  /** Relabels once a port-0 listener knows its port. */
  setPort(port: number): void {
    this.server = serverLabel(this.scheme, this.address, port);
    this.local = { address: this.bound, port };
  }

  /** Adds a block for `zone`, after those it has (the Corefile's order). */
  add(zone: string, route: Route): void {
    const match: RouteMatch = { zone, route, next: null };
    let last = this.zones.get(zone);
    if (last) {
      while (last.next !== null) last = last.next;
      last.next = match;
      return;
    }
    this.zones.set(zone, match);
    this.lengths.add(zone.length);
    if (zone === '.') this.root = match;
  }

  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  /** A block without a view serves `zone` here (a second one is a duplicate). */
  hasUnfiltered(zone: string): boolean {
    for (let m = this.zones.get(zone) ?? null; m !== null; m = m.next) if (m.route.view === null) return true;
    return false;
  }

  /**
   * The route and zone for a query, or null when no zone covers its name
   * (REFUSED); it sets the query's `metadata` and `view` for the block it
   * picks. A listener serving the root zone alone never reads the name.
   */
  match(req: RoutedQuery): RouteMatch | null {
    if (this.root !== null && this.zones.size === 1) return choose(this.root, req);
    const qname = req.qname;
    for (let i = 0; ; ) {
      if (this.lengths.has(qname.length - i)) {
        const match = this.zones.get(i === 0 ? qname : qname.slice(i));
        const chosen = match === undefined ? null : choose(match, req);
        if (chosen !== null) return chosen;
      }
      i = nextLabel(qname, i);
      if (i < 0) return this.root === null ? null : choose(this.root, req);
    }
  }
}

/**
 * The first of a zone's blocks that takes the query: its metadata is made
 * first (a view may read it), then its view decides. A view that throws
 * does not accept, a collector that throws gives no metadata: routing never
 * fails a query.
 */
function choose(first: RouteMatch, req: RoutedQuery): RouteMatch | null {
  for (let m: RouteMatch | null = first; m !== null; m = m.next) {
    const { view, metadata } = m.route;
    if (metadata !== null) req.metadata = collect(metadata, req as Request);
    else if (req.metadata) req.metadata = null;
    if (view === null) return m;
    if (accepts(view, req as Request)) {
      req.view = view.name;
      return m;
    }
  }
  return null;
}

function collect(metadata: MetadataCollector, req: Request): Metadata | null {
  try {
    return metadata(req);
  } catch {
    return null;
  }
}

function accepts(view: BlockView, req: Request): boolean {
  try {
    return view.accept(req) === true;
  } catch {
    return false;
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
