import type net from 'node:net';
import type { FrameHandler, FrameSink, Remote } from '../transport.js';
import { type ConnectionClock, connectionDeadline, type ConnectionOptions, type ConnectionTable, MAX_PENDING } from './connection-table.js';
import { remoteOf } from './remote.js';
import type { StreamConnection } from './stream-listener.js';

/**
 * One client connection of DNS over TCP or TLS: 2-byte length framing, many
 * pipelined queries. A single timer holds the deadline of what the
 * connection waits for: a query to arrive whole (read), the client to read
 * our answers (write), or a next query (idle); none while we owe answers.
 * It runs from the accept: a TLS handshake counts against the first query's
 * read timeout.
 */
export class DnsConnection implements FrameSink, StreamConnection, ConnectionClock {
  readonly client: string;
  tableNode: object | null = null;
  private readonly from: Remote;
  private buffered: Buffer = Buffer.alloc(0);
  pending = 0;
  private finishing = false;
  /** No query has arrived yet: the first must come within the read timeout. */
  fresh = true;
  /** Inside serve(): answers written synchronously leave back-pressure and the timer to its caller. */
  private reading = false;
  paused = false;
  writeBlocked = false;
  /** When the query now arriving must be whole, and when blocked answers must be read (performance.now()). */
  readBy = 0;
  writeBy = 0;
  /** When the last query arrived or the last answer went out: the idle time counts from it. */
  activeAt = performance.now();
  private timer: NodeJS.Timeout | null = null;
  private readonly expire = (): void => this.destroy();
  /** Where queries come from and answers go: the socket itself, or the TLS socket over it once its handshake is done. */
  private stream: net.Socket | null = null;

  /** `socket` is the accepted TCP socket; queries are read once a stream is attached. */
  constructor(
    private readonly socket: net.Socket,
    private readonly options: ConnectionOptions,
    private readonly onFrame: FrameHandler,
    private readonly table: ConnectionTable<DnsConnection>,
  ) {
    this.from = remoteOf(socket.remoteAddress ?? '', socket.remotePort ?? 0, socket.remoteFamily ?? 'IPv4');
    this.client = this.from.address;
    socket.on('error', () => socket.destroy());
    // A TLS socket closes the accepted one under it: this is the close of both.
    socket.once('close', () => {
      this.arm(null);
      table.remove(this);
    });
    this.schedule();
  }

  /** Starts reading queries from `stream`: the accepted socket, or the TLS socket over it. */
  attach(stream: net.Socket): void {
    this.stream = stream;
    stream.on('data', (chunk) => this.read(chunk));
    if (stream !== this.socket) stream.on('error', () => stream.destroy());
  }

  get idle(): boolean {
    return this.pending === 0;
  }

  get partial(): boolean {
    return this.buffered.length > 0;
  }

  destroy(): void {
    (this.stream ?? this.socket).destroy();
  }

  private read(chunk: Buffer): void {
    const started = this.buffered.length === 0;
    this.buffered = started ? chunk : Buffer.concat([this.buffered, chunk]);
    // The answers written while this chunk's queries are served (cache hits, pipelined) leave in one writev, not a write each.
    const stream = this.stream!;
    stream.cork();
    const served = this.serve();
    stream.uncork();
    // The deadlines change when a query completes or a new one starts; more bytes of the same one change nothing.
    if (served > 0 || started || this.buffered.length === 0) {
      if (this.buffered.length > 0) this.readBy = performance.now() + this.options.readTimeoutMs;
      this.update();
    }
  }

  /** Serves the whole queries buffered, as far as back-pressure allows; returns how many it took. */
  private serve(): number {
    let buf = this.buffered;
    let whole = 0;
    this.reading = true;
    while (buf.length >= 2 && this.pending < MAX_PENDING && !this.writeBlocked) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      // A view is safe to keep for a later answer: Node never reuses a data chunk.
      const frame = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      // An empty frame is no query: it keeps nothing alive.
      if (len === 0) continue;
      whole++;
      this.pending++;
      // A query dropped unanswered (a response, a runt) is owed nothing: it must not hold the connection open.
      if (!this.onFrame(frame, this.from, this)) this.pending--;
    }
    this.reading = false;
    this.buffered = buf;
    if (whole > 0) {
      this.fresh = false;
      this.activeAt = performance.now();
      this.table.used(this);
    }
    return whole;
  }

  sendFrame(msg: Buffer, more = false): void {
    if (!more && --this.pending === 0) this.activeAt = performance.now();
    let blocked = false;
    // Answers come only for queries read from the stream.
    const stream = this.stream!;
    if (!stream.destroyed && !stream.writableEnded) {
      const out = Buffer.allocUnsafe(msg.length + 2);
      out.writeUInt16BE(msg.length, 0);
      msg.copy(out, 2);
      if (!stream.write(out) && !this.writeBlocked) {
        blocked = this.writeBlocked = true;
        this.writeBy = performance.now() + this.options.writeTimeoutMs;
        stream.once('drain', this.drained);
      }
    }
    if (this.finishing && this.pending <= 0) stream.end();
    if (!this.reading && (blocked || this.paused || this.pending === 0)) this.update();
  }

  noReply(): void {
    if (--this.pending === 0) this.activeAt = performance.now();
    if (this.finishing && this.pending <= 0) this.stream!.end();
    if (!this.reading) this.update();
  }

  /**
   * Ends the connection once its pending answers are out, or after `graceMs`. One that has sent no
   * whole query yet is waited for too: accepted as the listener stops, its first query is on its way.
   */
  finish(graceMs: number): void {
    this.finishing = true;
    if (this.pending <= 0 && !this.fresh && !this.partial) {
      if (this.stream) this.stream.end();
      else this.socket.destroy();
      return;
    }
    setTimeout(() => this.destroy(), graceMs).unref();
  }

  private readonly drained = (): void => {
    this.writeBlocked = false;
    this.update();
  };

  /**
   * Back-pressure, then the deadline: no reading while MAX_PENDING queries
   * wait for answers or the client does not read its answers (so a few
   * bytes of queries cannot make us hold megabytes of answers).
   */
  private update(): void {
    for (;;) {
      const stop = this.pending >= MAX_PENDING || this.writeBlocked;
      if (stop === this.paused) break;
      this.paused = stop;
      if (stop) {
        this.stream!.pause();
        break;
      }
      this.stream!.resume();
      // We were not reading: the query in progress gets its full time again.
      this.readBy = performance.now() + this.options.readTimeoutMs;
      // Whole queries that waited in the buffer; serving them may stop us again.
      if (this.serve() === 0) break;
    }
    this.schedule();
  }

  /** Arms the deadline of what the connection waits for now. */
  private schedule(): void {
    const at = connectionDeadline(this, this.options);
    this.arm(at === null ? null : at - performance.now());
  }

  private arm(ms: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = ms === null ? null : setTimeout(this.expire, Math.max(ms, 0));
  }
}
