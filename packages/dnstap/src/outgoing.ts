import { isIP, type Socket, connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Logger } from '@chaindns/core';
import type { Endpoint } from './config.js';
import { FrameConnection } from './frame-connection.js';
import { type BatchOutput, FrameQueue } from './frame-queue.js';
import { type OutputTiming, reportDrops, type TapOutput } from './output.js';

export interface OutgoingOptions {
  readonly endpoint: Endpoint;
  /** The endpoint as written, for log lines. */
  readonly address: string;
  readonly writeBufferBytes: number;
  readonly maxMessages: number;
  readonly skipVerify: boolean;
  readonly timing: OutputTiming;
  readonly log: Logger;
}

/**
 * `dnstap SOCKET`: one connection to a receiver (fstrm_capture, the dnstap
 * tool, a collector), kept up: when it fails or the receiver goes, it is
 * dialled again, sooner at first, then every retryMaxMs. Meanwhile messages
 * wait in the queue up to its bound and go out once the receiver is back;
 * past it they are dropped, counted, and logged every reportMs.
 */
export class Outgoing implements BatchOutput, TapOutput {
  readonly queue: FrameQueue;
  private conn: FrameConnection | null = null;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly stopReport: () => void;
  /** The last failure was logged; the next success says the receiver is back. */
  private down = false;
  private closed = false;

  constructor(private readonly options: OutgoingOptions) {
    this.queue = new FrameQueue(this, { maxMessages: options.maxMessages, flushMs: options.timing.flushMs });
    this.retryMs = options.timing.retryMs;
    this.stopReport = reportDrops(this.queue, options.log, options.timing.reportMs);
    this.dial();
  }

  get ready(): boolean {
    return this.conn?.writable ?? false;
  }

  write(batch: Buffer): void {
    this.conn!.write(batch);
  }

  /**
   * Sends what waits, once the connection is open (a handshake under way is
   * waited for), then STOP, and waits for FINISH; the receiver has the
   * timeout to take it all. Messages that no connection takes are dropped.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const conn = this.conn;
    if (conn && this.queue.pending > 0 && (await conn.whenOpen())) for (const batch of this.queue.takeAll()) conn.write(batch);
    this.queue.dropped += this.queue.pending;
    this.queue.takeAll();
    this.stopReport();
    await conn?.close();
  }

  private dial(): void {
    this.retryTimer = null;
    const { endpoint, skipVerify, timing, writeBufferBytes } = this.options;
    let socket: Socket;
    if (endpoint.kind === 'unix') socket = netConnect(endpoint.path);
    else if (endpoint.kind === 'tcp') socket = netConnect({ host: endpoint.host, port: endpoint.port });
    else socket = tlsConnect({ host: endpoint.host, port: endpoint.port, rejectUnauthorized: !skipVerify, ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }) });
    this.conn = new FrameConnection(socket, {
      writeBufferBytes,
      timeoutMs: timing.timeoutMs,
      onOpen: () => {
        if (this.down) this.options.log.info(`connected to dnstap endpoint ${this.options.address} again`);
        this.down = false;
        this.retryMs = timing.retryMs;
        this.queue.flush();
      },
      onDrain: this.queue.flush,
      onClose: (err) => {
        this.conn = null;
        if (this.closed) return;
        if (!this.down) this.options.log.error(`No connection to dnstap endpoint ${this.options.address}: ${err?.message ?? 'closed'}`);
        this.down = true;
        this.retryTimer = setTimeout(() => this.dial(), this.retryMs).unref();
        this.retryMs = Math.min(this.retryMs * 2, timing.retryMaxMs);
      },
    });
  }
}
