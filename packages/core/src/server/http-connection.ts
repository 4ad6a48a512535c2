import type net from 'node:net';
import type { Remote } from '../transport.js';
import type { ConnectionOptions, ConnectionTable } from './connection-table.js';
import { remoteOf } from './remote.js';
import type { StreamConnection } from './stream-listener.js';

/**
 * One client connection of DNS over HTTPS (HTTP/2 or HTTP/1.1, over TLS or
 * not), with the limits of a DNS over TCP connection. A single timer holds
 * the deadline of what it waits for: a POST body to arrive whole (read),
 * the client to take an answer written to it (write), or a next request
 * (idle, from the last request or answer); none while the chain works on
 * its queries. It runs from the accept: the TLS handshake and the first
 * request must come within the read timeout.
 */
export class HttpConnection implements StreamConnection {
  readonly client: string;
  tableNode: object | null = null;
  readonly from: Remote;
  /** Requests not yet over (answered and taken, or given up by the client). */
  private owed = 0;
  /** Of them, POSTs whose body is still arriving, and answers the client has not taken yet. */
  private reading = 0;
  private sending = 0;
  private readBy = 0;
  private writeBy = 0;
  private activeAt = performance.now();
  private fresh = true;
  private finishing = false;
  /** The deadline in force (performance.now()), Infinity for none; and when the armed timer fires. */
  private due = Infinity;
  private timerAt = Infinity;
  private timer: NodeJS.Timeout | null = null;
  /**
   * A deadline moves at nearly every request, mostly later: the timer is
   * re-armed only when the deadline comes earlier than it fires, and a timer
   * that fires early arms itself for the deadline then in force.
   */
  private readonly expire = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.due <= performance.now()) this.destroy();
    else this.arm();
  };

  constructor(
    private readonly socket: net.Socket,
    private readonly options: ConnectionOptions,
    private readonly table: ConnectionTable<HttpConnection>,
  ) {
    this.from = remoteOf(socket.remoteAddress ?? '', socket.remotePort ?? 0, socket.remoteFamily ?? 'IPv4');
    this.client = this.from.address;
    socket.on('error', () => socket.destroy());
    // The TLS socket over it, and the HTTP session over that, close with it.
    socket.once('close', () => {
      if (this.timer) clearTimeout(this.timer);
      this.due = Infinity;
      table.remove(this);
    });
    this.schedule();
  }

  get idle(): boolean {
    return this.owed === 0;
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** A request's head arrived; `withBody`: its body is still to come. */
  opened(withBody: boolean): void {
    this.owed++;
    this.fresh = false;
    this.activeAt = performance.now();
    this.table.used(this);
    if (withBody && this.reading++ === 0) this.readBy = this.activeAt + this.options.readTimeoutMs;
    this.schedule();
  }

  /** A request's body is whole (or given up on). */
  bodyDone(): void {
    if (--this.reading > 0) this.readBy = performance.now() + this.options.readTimeoutMs;
    this.schedule();
  }

  /** An answer was written; the client has the write timeout to take it. */
  answered(): void {
    if (this.sending++ === 0) this.writeBy = performance.now() + this.options.writeTimeoutMs;
    this.schedule();
  }

  /** A request is over: `reading`, its body never came whole; `sending`, an answer of it was written. */
  closed(reading: boolean, sending: boolean): void {
    this.owed--;
    this.activeAt = performance.now();
    if (reading) this.reading--;
    // Each answer taken is progress: the next one gets its full time.
    if (sending && --this.sending > 0) this.writeBy = this.activeAt + this.options.writeTimeoutMs;
    if (this.finishing && this.owed === 0) this.destroy();
    else this.schedule();
  }

  /** Closes once no request is owed an answer, or after `graceMs`. */
  finish(graceMs: number): void {
    this.finishing = true;
    if (this.owed === 0) this.destroy();
    else setTimeout(() => this.destroy(), graceMs).unref();
  }

  /** Sets the deadline of what the connection waits for now. */
  private schedule(): void {
    const { readTimeoutMs, idleTimeoutMs } = this.options;
    if (this.sending > 0 || this.reading > 0) this.due = Math.min(this.sending > 0 ? this.writeBy : Infinity, this.reading > 0 ? this.readBy : Infinity);
    else if (this.owed > 0) this.due = Infinity;
    else this.due = this.activeAt + (this.fresh ? Math.min(readTimeoutMs, idleTimeoutMs) : idleTimeoutMs);
    if (this.due < this.timerAt) this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = this.due;
    if (this.due !== Infinity) this.timer = setTimeout(this.expire, Math.max(this.due - performance.now(), 0));
  }
}
