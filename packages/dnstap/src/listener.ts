import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from '@chaindns/core';
import type { Endpoint } from './config.js';
import { FrameConnection } from './frame-connection.js';
import { type BatchOutput, FrameQueue } from './frame-queue.js';
import { type OutputTiming, reportDrops, type TapOutput } from './output.js';

/** A TLS listener's certificate and key, and the CA that client certificates must chain to. */
export interface ListenerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | null;
  /** With a CA: a client without a certificate is let in (one with a bad certificate is not). */
  readonly skipVerify: boolean;
}

export interface ListenerOptions {
  readonly endpoint: Endpoint;
  readonly address: string;
  readonly writeBufferBytes: number;
  readonly maxMessages: number;
  readonly tls: ListenerTls | null;
  readonly timing: OutputTiming;
  readonly log: Logger;
}

/**
 * `dnstap listen SOCKET`: sinks connect to chaindns and each gets every
 * batch written after its handshake. There is no queue per sink: a sink whose
 * buffer is full misses the batch (dropped and counted, for that sink only),
 * and one that stays full longer than the timeout is disconnected, as
 * CoreDNS does. With no sink connected, messages go nowhere.
 */
export class Listener implements BatchOutput, TapOutput {
  readonly queue: FrameQueue;
  readonly ready = true;
  private readonly server: Server;
  /** Each sink, and since when it is full (-1: it is not). */
  private readonly sinks = new Map<FrameConnection, { fullSince: number }>();
  private readonly stopReport: () => void;

  constructor(private readonly options: ListenerOptions) {
    this.queue = new FrameQueue(this, { maxMessages: options.maxMessages, flushMs: options.timing.flushMs });
    this.stopReport = reportDrops(this.queue, options.log, options.timing.reportMs);
    const tls = options.tls;
    this.server = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: !tls.skipVerify } : {}) }, (socket) => this.accept(socket))
      : createNetServer((socket) => this.accept(socket));
    this.server.on('tlsClientError', (err) => options.log.warn(`dnstap listener ${options.address}: ${err.message}`));
  }

  /** Starts listening; a failure is logged (CoreDNS goes on without the listener). */
  async listen(): Promise<void> {
    const { endpoint, log, address } = this.options;
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        if (endpoint.kind === 'unix') this.server.listen(endpoint.path, resolve);
        else this.server.listen({ host: endpoint.host === '' ? undefined : endpoint.host, port: endpoint.port }, resolve);
      });
      this.server.on('error', (err) => log.warn(`dnstap listener ${address}: ${err.message}`));
    } catch (err) {
      log.error(`Failed to start dnstap listener ${address}: ${(err as Error).message}`);
    }
  }

  /** The TCP port it listens on (tests listen on port 0). */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  write(batch: Buffer, count: number): void {
    const now = performance.now();
    for (const [conn, sink] of this.sinks) {
      if (conn.writable) {
        conn.write(batch);
        sink.fullSince = -1;
      } else if (conn.open) {
        this.queue.dropped += count;
        if (sink.fullSince < 0) sink.fullSince = now;
        else if (now - sink.fullSince > this.options.timing.timeoutMs) void conn.close();
      }
    }
  }

  async close(): Promise<void> {
    this.queue.flush();
    this.stopReport();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.sinks.keys()].map((c) => c.close()));
    await closed;
  }

  private accept(socket: Socket): void {
    const tls = this.options.tls;
    // skipverify with a CA: a client certificate is checked if one is given (Go's VerifyClientCertIfGiven).
    if (tls?.ca && tls.skipVerify) {
      const s = socket as TLSSocket;
      if (!s.authorized && Object.keys(s.getPeerCertificate()).length > 0) return void socket.destroy();
    }
    const conn: FrameConnection = new FrameConnection(socket, {
      writeBufferBytes: this.options.writeBufferBytes,
      timeoutMs: this.options.timing.timeoutMs,
      onOpen: () => this.options.log.info(`a receiver connected to dnstap listener ${this.options.address}`),
      onDrain: () => {},
      onClose: () => this.sinks.delete(conn),
    });
    this.sinks.set(conn, { fullSince: -1 });
  }
}
