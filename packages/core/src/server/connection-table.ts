import { ChainDNSError } from '../errors.js';

/**
 * The limits of a stream listener's connections (TCP; the same for DNS over
 * TLS and HTTPS). The timeouts are CoreDNS's, with its defaults (its
 * `timeouts` plugin sets them per server).
 */
export interface ConnectionOptions {
  /**
   * A query must arrive whole within this long of its first byte, and a new
   * connection's first query within this long of the accept (CoreDNS's read
   * timeout, 3s). Bytes that trickle in do not extend it.
   */
  readonly readTimeoutMs: number;
  /** An answer the client does not read for this long closes the connection (CoreDNS's write timeout, 5s). */
  readonly writeTimeoutMs: number;
  /** A connection that owes no answer and has no query coming closes after this long (CoreDNS's idle timeout, 10s). */
  readonly idleTimeoutMs: number;
  /** Open connections per listener; past it, the least recently used idle one is closed for a new one. */
  readonly maxConnections: number;
}

export const defaultConnectionOptions: ConnectionOptions = { readTimeoutMs: 3000, writeTimeoutMs: 5000, idleTimeoutMs: 10_000, maxConnections: 1000 };

/**
 * Connections one client address may hold on a listener. Past it, the new
 * connection takes the place of that client's least recently used idle one,
 * so one address cannot fill the table, nor lock itself out.
 */
export const MAX_CONNECTIONS_PER_CLIENT = 100;

/** Queries one connection may have in flight before we stop reading from it (HTTP/2: streams). */
export const MAX_PENDING = 256;

/** `options` completed with the defaults, each checked to be a positive number. */
export function connectionOptions(given: Partial<ConnectionOptions> = {}): ConnectionOptions {
  const options = { ...defaultConnectionOptions, ...given };
  for (const [name, value] of Object.entries(options)) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new ChainDNSError('CHAINDNS_OPTIONS', `tcp.${name}: expected a positive number, got ${String(value)}`);
    }
  }
  return options;
}

/**
 * What a framed connection (DNS over TCP or TLS) waits for, which sets its
 * one deadline. Node's connections and a native transport's share it.
 */
export interface ConnectionClock {
  /** The client does not read its answers: they must be read by `writeBy`. */
  readonly writeBlocked: boolean;
  readonly writeBy: number;
  /** Not reading (too many queries in flight, or answers unread). */
  readonly paused: boolean;
  /** Part of a query has arrived: the rest must by `readBy`. */
  readonly partial: boolean;
  readonly readBy: number;
  /** Queries taken and not answered yet. */
  readonly pending: number;
  /** No query has arrived yet. */
  readonly fresh: boolean;
  /** When the last query arrived or the last answer went out (performance.now()). */
  readonly activeAt: number;
}

/**
 * When `c` is to be closed (performance.now() time), or null while it owes
 * answers: the client must read blocked answers (write timeout), send the
 * rest of a query (read timeout), or ask again (idle timeout; a new
 * connection's first query within the read timeout).
 */
export function connectionDeadline(c: ConnectionClock, options: ConnectionOptions): number | null {
  if (c.writeBlocked) return c.writeBy;
  if (c.paused) return null;
  if (c.partial) return c.readBy;
  if (c.pending > 0) return null;
  return c.activeAt + (c.fresh ? Math.min(options.readTimeoutMs, options.idleTimeoutMs) : options.idleTimeoutMs);
}

/** A connection as the table sees it. */
export interface TableEntry {
  /** The client's address: connections of one address share its allowance. */
  readonly client: string;
  /** True while it owes its client no answer, so closing it loses nothing. */
  readonly idle: boolean;
  /** Closes it at once. */
  destroy(): void;
  /** The table's own record of it (its place in the table's lines): null until admitted; only the table sets it. */
  tableNode: object | null;
}

/** A connection's place in its table: linked into the line of all and the line of its client. */
class Node<C extends TableEntry> {
  prev: Node<C> | null = null;
  next: Node<C> | null = null;
  clientPrev: Node<C> | null = null;
  clientNext: Node<C> | null = null;
  removed = false;
  constructor(
    readonly conn: C,
    readonly line: ClientLine<C>,
  ) {}
}

/** The connections of one client address, least recently used first. */
class ClientLine<C extends TableEntry> {
  head: Node<C> | null = null;
  tail: Node<C> | null = null;
  size = 0;
}

/**
 * The open connections of one listener, least recently used first. When a
 * new one finds its client's allowance or the table full, the least recently
 * used idle connection (of that client, or of anyone) is closed to make room,
 * as trusted servers do, rather than refusing the newcomer: a slow or
 * silent client cannot hold every slot. A connection counts as used when a
 * query of it arrives whole; bytes that trickle in do not count.
 *
 * The lines are linked through each connection's node, not kept in Sets: a
 * Set whose members come and go (a connection of one query) builds itself a
 * new table every few of them, and each of those outlived a scavenge (the Set
 * is old), so a stream of short connections filled the old generation and
 * brought full collections (bench/README.md).
 */
export class ConnectionTable<C extends TableEntry> implements Iterable<C> {
  private head: Node<C> | null = null;
  private tail: Node<C> | null = null;
  private count = 0;
  private readonly byClient = new Map<string, ClientLine<C>>();

  constructor(
    private readonly max: number,
    private readonly perClient: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Takes `conn` in, making room if needed; false when no idle connection could make room (refuse it). */
  admit(conn: C): boolean {
    const mine = this.byClient.get(conn.client);
    if (mine && mine.size >= this.perClient && !this.evictFrom(mine.head, true)) return false;
    if (this.count >= this.max && !this.evictFrom(this.head, false)) return false;
    let line = this.byClient.get(conn.client); // the eviction may have emptied it
    if (!line) this.byClient.set(conn.client, (line = new ClientLine()));
    const node = new Node(conn, line);
    conn.tableNode = node;
    this.append(node);
    return true;
  }

  /** `conn` was just used: it moves to the end of the line for closing. */
  used(conn: C): void {
    const node = this.node(conn);
    if (!node || (node === this.tail && node === node.line.tail)) return;
    this.unlink(node);
    this.append(node);
  }

  remove(conn: C): void {
    const node = this.node(conn);
    if (!node) return;
    this.unlink(node);
    node.removed = true;
    conn.tableNode = null;
    if (node.line.size === 0) this.byClient.delete(conn.client);
  }

  /** Least recently used first; the one just given may be removed or used meanwhile (the sweep closes them). */
  *[Symbol.iterator](): Iterator<C> {
    let node = this.head;
    while (node) {
      const next = node.next;
      yield node.conn;
      node = next;
      // A removed node keeps its links: they lead back into the line.
      while (node?.removed) node = node.next;
    }
  }

  private node(conn: C): Node<C> | null {
    const node = conn.tableNode as Node<C> | null;
    return node && !node.removed ? node : null;
  }

  private append(node: Node<C>): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    const line = node.line;
    node.clientPrev = line.tail;
    node.clientNext = null;
    if (line.tail) line.tail.clientNext = node;
    else line.head = node;
    line.tail = node;
    line.size++;
  }

  /** Takes `node` out of both lines; its own links stay (an iteration standing on it goes on). */
  private unlink(node: Node<C>): void {
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    this.count--;
    const line = node.line;
    if (node.clientPrev) node.clientPrev.clientNext = node.clientNext;
    else line.head = node.clientNext;
    if (node.clientNext) node.clientNext.clientPrev = node.clientPrev;
    else line.tail = node.clientPrev;
    line.size--;
  }

  /** Closes the first idle connection from `node` on (along its client's line, or the line of all). */
  private evictFrom(node: Node<C> | null, ofClient: boolean): boolean {
    for (; node; node = ofClient ? node.clientNext : node.next) {
      if (!node.conn.idle) continue;
      const c = node.conn;
      this.remove(c);
      c.destroy();
      return true;
    }
    return false;
  }
}
