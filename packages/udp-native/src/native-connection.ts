import { type ConnectionClock, type FrameSink, MAX_PENDING, type TableEntry } from '@chaindns/core';
import type { NativeTcpListener } from './native-tcp.js';
import type { NativeRemote } from './remote.js';

/** One client connection: what core's DnsConnection keeps for a node:net socket, over an id of the addon's. */
export class NativeConnection implements FrameSink, TableEntry, ConnectionClock {
  readonly client: string;
  tableNode: object | null = null;
  pending = 0;
  fresh = true;
  paused = false;
  partial = false;
  writeBlocked = false;
  readBy: number;
  writeBy = 0;
  activeAt: number;
  #finishing = false;
  #open = true;
  /** Queries that arrived while the client did not read its answers: served once it does. */
  #held: Buffer[] | null = null;
  /** The wakeup that last counted as a use in the table (once a wakeup, as node:net's once a read); the admission counts. */
  #usedIn: number;

  constructor(
    private readonly listener: NativeTcpListener,
    readonly id: number,
    private readonly from: NativeRemote,
    client: string,
  ) {
    this.client = client;
    this.activeAt = listener.clock(); // the wakeup's time: no clock read a connection
    this.readBy = this.activeAt + listener.limits.readTimeoutMs;
    this.#usedIn = listener.batch;
  }

  get idle(): boolean {
    return this.pending === 0 && this.#held === null;
  }

  message(data: Buffer): void {
    if (this.writeBlocked || this.#held) (this.#held ??= []).push(data);
    else this.#serve(data);
    this.#update();
  }

  /** `partial`: part of a query waits for the rest, which must come within the read timeout from now. */
  buffered(partial: boolean): void {
    this.partial = partial;
    if (partial) this.readBy = performance.now() + this.listener.limits.readTimeoutMs;
  }

  sendFrame(msg: Buffer, more = false): void {
    if (!more && --this.pending === 0) this.activeAt = this.listener.clock();
    if (!this.#open) return;
    const { addon, handle } = this.listener;
    const sent = addon.tcpSend(handle, this.id, msg, !more);
    if (sent < 0) return this.destroy();
    if (sent === 1) this.blocked();
    this.#settled();
  }

  noReply(): void {
    if (--this.pending === 0) this.activeAt = this.listener.clock();
    if (!this.#open) return;
    this.listener.addon.tcpAnswered(this.listener.handle, this.id);
    this.#settled();
  }

  /** Answers queued during the last call wait for the client: its write deadline starts. */
  blocked(): void {
    if (!this.writeBlocked) {
      this.writeBlocked = true;
      this.writeBy = performance.now() + this.listener.limits.writeTimeoutMs;
    }
    this.#update();
  }

  drained(): void {
    this.writeBlocked = false;
    while (this.#held && !this.writeBlocked && this.#open) {
      const data = this.#held.shift()!;
      if (this.#held.length === 0) this.#held = null;
      this.#serve(data);
    }
    this.#settled();
  }

  /**
   * Ends the connection once its answers are out (the client closed its side, or the listener stops), or after
   * `graceMs`. As the listener stops (`forQuery`), one that has sent no whole query yet is waited for too:
   * accepted in that instant, its first query is on its way.
   */
  finish(graceMs: number, forQuery = false): void {
    if (this.#finishing || !this.#open) return;
    this.#finishing = true;
    if (this.idle && !(forQuery && (this.fresh || this.partial))) this.#end();
    else setTimeout(() => this.destroy(), graceMs).unref();
  }

  destroy(): void {
    if (!this.#open) return;
    this.listener.addon.tcpClose(this.listener.handle, this.id);
    this.closed();
  }

  /** The addon closed it. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.listener.gone(this);
  }

  #serve(data: Buffer): void {
    const listener = this.listener;
    const { addon, handle, onMessage } = listener;
    this.pending++;
    this.fresh = false;
    this.activeAt = listener.clock();
    if (this.#usedIn !== listener.batch) {
      this.#usedIn = listener.batch;
      listener.table.used(this);
    }
    // A query dropped unanswered (a response, a runt) is owed nothing: it must not hold the connection open.
    if (!onMessage(data, this.from, this)) {
      this.pending--;
      if (this.#open) addon.tcpAnswered(handle, this.id);
    }
  }

  /** After an answer (or none): end a finishing connection that owes nothing more. */
  #settled(): void {
    if (this.#finishing && this.idle) this.#end();
    else this.#update();
  }

  #end(): void {
    if (!this.#open) return;
    if (this.listener.addon.tcpEnd(this.listener.handle, this.id)) this.closed();
  }

  /** The addon stops reading at MAX_PENDING unanswered queries or with answers unread; reading again, a query in progress gets its full read time. */
  #update(): void {
    const stop = this.pending + (this.#held?.length ?? 0) >= MAX_PENDING || this.writeBlocked;
    if (stop === this.paused) return;
    this.paused = stop;
    if (!stop) this.readBy = performance.now() + this.listener.limits.readTimeoutMs;
  }
}
