import type { Next } from '../plugin.js';

/** CoreDNS's `server` label: `dns://:53` for all addresses, `dns://127.0.0.1:53` when bound. */
export function serverLabel(address: string | null, port: number): string {
  if (address === null) return `dns://:${port}`;
  return address.includes(':') ? `dns://[${address}]:${port}` : `dns://${address}:${port}`;
}

/** One server block as the router sees it: its chain and the generation that owns it. */
export interface Route {
  readonly chain: Next;
  readonly owner: InflightCounter;
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

/**
 * The zones one listener serves, each to its block. A query goes to the
 * longest zone that is a suffix of its (lowercased) name.
 */
export class Router {
  private readonly zones = new Map<string, Route>();
  /** CoreDNS's `server` label for queries on this listener: `dns://:53`. */
  server: string;

  constructor(
    /** The bound address for the label, or null when the block listens on all addresses. */
    private readonly address: string | null,
    port: number,
  ) {
    this.server = serverLabel(address, port);
  }

  /** Relabels once a port-0 listener knows its port. */
  setPort(port: number): void {
    this.server = serverLabel(this.address, port);
  }

  add(zone: string, route: Route): void {
    this.zones.set(zone, route);
  }

  has(zone: string): boolean {
    return this.zones.has(zone);
  }

  /** The route and zone for `qname`, or null when no zone covers it (REFUSED). */
  match(qname: string): { zone: string; route: Route } | null {
    let name = qname;
    for (;;) {
      const route = this.zones.get(name);
      if (route) return { zone: name, route };
      if (name === '.') return null;
      const dot = nextLabel(name);
      name = dot < 0 ? '.' : name.slice(dot);
    }
  }
}

/** The index where the parent name starts (past the first label's unescaped dot), or -1 for the root's child. */
function nextLabel(name: string): number {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x2e) return i + 1 < name.length ? i + 1 : -1;
  }
  return -1;
}
