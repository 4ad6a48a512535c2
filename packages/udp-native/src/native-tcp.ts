import {
  connectionDeadline,
  type ConnectionOptions,
  ConnectionTable,
  type DnsTcpListenOptions,
  type DnsTcpTransport,
  type FrameHandler,
  MAX_CONNECTIONS_PER_CLIENT,
  MAX_PENDING,
  type StreamListener,
} from '@chaindns/core';
import type { NativeAddon, NativeHandle } from './load.js';
import { NativeConnection } from './native-connection.js';
import { NativeRemote } from './remote.js';

// Words of an event row, and its kinds (src/native/tcp.c).
const R_KIND = 0;
const R_ID = 1;
const R_LEN = 2;
const R_FAMILY = 3;
const R_PORT = 4;
const R_W0 = 5;
const R_SCOPE = 9;
const ACCEPTED = 1;
const MESSAGE = 2;
const BUFFERED = 3;
const EOF = 4;
const CLOSED = 5;
const DRAINED = 6;
const BLOCKED = 7;

/** Plain DNS over TCP in the addon: accept, read, framing and writes in C; core's connection rules here. */
export function nativeTcp(addon: NativeAddon): DnsTcpTransport {
  return { listen: async (options, onMessage) => new NativeTcpListener(addon, options, onMessage) };
}

/**
 * One listening socket. The addon calls `batch` once per wakeup with its events; the
 * connections are held to core's rules: its ConnectionTable (per listener and per client
 * address, the least recently used idle one closed for a newcomer) and its deadlines
 * (connectionDeadline), checked by one sweep a tenth of the shortest timeout apart instead of
 * a timer per connection.
 */
export class NativeTcpListener implements StreamListener {
  readonly address: string;
  readonly port: number;
  readonly addon: NativeAddon;
  readonly handle: NativeHandle;
  readonly limits: ConnectionOptions;
  readonly onMessage: FrameHandler;
  readonly table: ConnectionTable<NativeConnection>;
  readonly #meta: Int32Array;
  /**
   * The open connections by slot (an id's low bits): an array, not a Map keyed by id, since a Map
   * whose keys come and go once a connection rehashes its table now and then, and each new table
   * outlives a scavenge (the Map is old), so connections of one query filled the old generation.
   */
  readonly #conns: (NativeConnection | undefined)[] = [];
  readonly #slotMask: number;
  #open = 0;
  #lastFrom: NativeRemote | undefined;
  readonly #sweep: NodeJS.Timeout;
  #closing: Promise<void> | null = null;
  /** The wakeup being handled: its number, and its time (one clock read a wakeup, not one a query). */
  batch = 0;
  now = 0;
  inBatch = false;
  #emptied: (() => void) | null = null;

  constructor(addon: NativeAddon, options: DnsTcpListenOptions, onMessage: FrameHandler) {
    this.addon = addon;
    this.limits = options.limits;
    this.onMessage = onMessage;
    this.table = new ConnectionTable(options.limits.maxConnections, MAX_CONNECTIONS_PER_CLIENT);
    this.#meta = new Int32Array(addon.TCP_ROWS * addon.TCP_ROW);
    this.#slotMask = (1 << addon.TCP_SLOT_BITS) - 1;
    this.handle = addon.tcpListen(options.address, options.port, options.reusePort, MAX_PENDING, this.#meta, (pool, offset, count) => this.#batch(pool, offset, count));
    const row = new Int32Array(addon.ROW);
    addon.tcpSockname(this.handle, row);
    this.address = options.address;
    this.port = row[2]!;
    const { readTimeoutMs, writeTimeoutMs, idleTimeoutMs } = options.limits;
    const tick = Math.min(100, Math.max(5, Math.min(readTimeoutMs, writeTimeoutMs, idleTimeoutMs) / 10));
    this.#sweep = setInterval(() => this.#expire(), tick).unref();
  }

  update(): void {}

  /** Stops accepting; open connections close once their answers are out, or after `graceMs`. */
  close(graceMs: number): Promise<void> {
    this.#closing ??= new Promise<void>((done) => {
      this.addon.tcpStop(this.handle);
      this.#emptied = () => {
        this.#emptied = null;
        clearInterval(this.#sweep);
        this.addon.tcpDispose(this.handle);
        done();
      };
      for (const c of this.#conns.filter((c) => c !== undefined)) c.finish(graceMs, true);
      if (this.#open === 0) this.#emptied?.();
    });
    return this.#closing;
  }

  /** The time now: the wakeup's, while one is handled. */
  clock(): number {
    return this.inBatch ? this.now : performance.now();
  }

  gone(conn: NativeConnection): void {
    this.table.remove(conn);
    this.#conns[conn.id & this.#slotMask] = undefined;
    if (--this.#open === 0) this.#emptied?.();
  }

  /** The open connection of `id`, if any (a closed one's slot may hold a newer connection). */
  #conn(id: number): NativeConnection | undefined {
    const conn = this.#conns[id & this.#slotMask];
    return conn?.id === id ? conn : undefined;
  }

  #batch(pool: Buffer | undefined, offset: number, count: number): void {
    const meta = this.#meta;
    const width = this.addon.TCP_ROW;
    let errors: unknown[] | undefined;
    this.batch++;
    this.now = performance.now();
    this.inBatch = true;
    for (let r = 0; r < count * width; r += width) {
      const kind = meta[r + R_KIND]!;
      const id = meta[r + R_ID]!;
      if (kind === ACCEPTED) {
        this.#accept(id, r);
        continue;
      }
      if (kind === MESSAGE) {
        const end = offset + meta[r + R_LEN]!;
        // The handler owns its slice: the addon never writes this part of the pool again.
        const data = pool!.subarray(offset, end);
        offset = end;
        try {
          this.#conn(id)?.message(data);
        } catch (err) {
          (errors ??= []).push(err);
        }
        continue;
      }
      const conn = this.#conn(id);
      if (!conn) continue;
      if (kind === BUFFERED) conn.buffered(meta[r + R_LEN] === 1);
      else if (kind === DRAINED) conn.drained();
      else if (kind === BLOCKED) conn.blocked();
      else if (kind === EOF) conn.finish(this.limits.writeTimeoutMs);
      else if (kind === CLOSED) conn.closed();
    }
    this.inBatch = false;
    // A throwing handler must not cost the others of the wakeup: each error surfaces after it.
    for (const err of errors ?? []) process.nextTick(rethrow, err);
  }

  #accept(id: number, r: number): void {
    const m = this.#meta;
    const from = new NativeRemote(this.addon, m[r + R_FAMILY] === 4 ? 4 : 6, m[r + R_PORT]!, m[r + R_W0]!, m[r + R_W0 + 1]!, m[r + R_W0 + 2]!, m[r + R_W0 + 3]!, m[r + R_SCOPE]!);
    // A client opens connection after connection: its address text is made once, not once a connection.
    const last = this.#lastFrom;
    const client = last !== undefined && from.sameHost(last) ? last.address : from.address;
    this.#lastFrom = from;
    const conn = new NativeConnection(this, id, from, client);
    if (this.#closing || !this.table.admit(conn)) {
      this.addon.tcpClose(this.handle, id);
      return;
    }
    const slot = id & this.#slotMask;
    // Kept dense: slots are handed out from 0 up and reused.
    while (this.#conns.length < slot) this.#conns.push(undefined);
    this.#conns[slot] = conn;
    this.#open++;
  }

  /** Closes the connections whose deadline has passed. */
  #expire(): void {
    const now = performance.now();
    for (const c of this.table) {
      const at = connectionDeadline(c, this.limits);
      if (at !== null && at <= now) c.destroy();
    }
  }
}

function rethrow(error: unknown): never {
  throw error;
}
