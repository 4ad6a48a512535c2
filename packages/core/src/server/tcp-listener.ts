import net from 'node:net';
import type { Logger } from '../logger.js';
import type { Remote } from '../transport.js';
import { remoteOf } from './remote.js';
import type { FrameSink } from './writer.js';

export interface TcpOptions {
  /** Closes a connection with no complete query for this long (RFC 7766 idle timeout). */
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
}

export const defaultTcpOptions: TcpOptions = { idleTimeoutMs: 10_000, maxConnections: 1000 };

export type FrameHandler = (data: Buffer, from: Remote, sink: FrameSink) => void;

export interface TcpBinding {
  readonly address: string;
  readonly port: number;
  /** Stops accepting; open connections close once their answers are written (or after `graceMs`). */
  close(graceMs: number): Promise<void>;
}

/** DNS over TCP: 2-byte length framing, many pipelined queries per connection. */
export function listenTcp(address: string, port: number, options: TcpOptions, onFrame: FrameHandler, log: Logger): Promise<TcpBinding> {
  const connections = new Set<Connection>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const conn = new Connection(socket, options, onFrame);
    connections.add(conn);
    socket.once('close', () => connections.delete(conn));
  });
  server.maxConnections = options.maxConnections;
  return new Promise((resolve, reject) => {
    // A failed listen is the caller's error to report; only later errors are logged here.
    server.once('error', reject);
    server.listen({ host: address, port, ipv6Only: false }, () => {
      server.off('error', reject);
      server.on('error', (err) => log.error(`tcp ${address}:${port}: ${err.message}`));
      const bound = server.address() as net.AddressInfo;
      resolve({
        address: bound.address,
        port: bound.port,
        close: async (graceMs) => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          for (const c of connections) c.finish(graceMs);
          await closed;
        },
      });
    });
  });
}

/** Queries one connection may have in flight before we stop reading from it. */
const MAX_PENDING = 256;

class Connection implements FrameSink {
  private buffered: Buffer = Buffer.alloc(0);
  private pending = 0;
  private finishing = false;
  private readonly from: Remote;

  constructor(
    private readonly socket: net.Socket,
    options: TcpOptions,
    private readonly onFrame: FrameHandler,
  ) {
    this.from = remoteOf(socket.remoteAddress ?? '', socket.remotePort ?? 0, socket.remoteFamily ?? 'IPv4');
    socket.setTimeout(options.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk) => this.read(chunk));
    socket.on('error', () => socket.destroy());
  }

  private read(chunk: Buffer): void {
    let buf = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) break;
      // A view is safe to keep for a later answer: Node never reuses a data chunk.
      const frame = buf.subarray(2, 2 + len);
      buf = buf.subarray(2 + len);
      if (len === 0) continue;
      this.pending++;
      this.onFrame(frame, this.from, this);
    }
    this.buffered = buf;
    // Back-pressure: a client that pipelines faster than we answer waits.
    if (this.pending >= MAX_PENDING) this.socket.pause();
  }

  sendFrame(msg: Buffer): void {
    if (this.pending-- === MAX_PENDING) this.socket.resume();
    if (!this.socket.destroyed) {
      const out = Buffer.allocUnsafe(msg.length + 2);
      out.writeUInt16BE(msg.length, 0);
      msg.copy(out, 2);
      this.socket.write(out);
    }
    if (this.finishing && this.pending <= 0) this.socket.end();
  }

  /** Ends the connection once its pending answers are out, or after `graceMs`. */
  finish(graceMs: number): void {
    this.finishing = true;
    if (this.pending <= 0) {
      this.socket.end();
      return;
    }
    setTimeout(() => this.socket.destroy(), graceMs).unref();
  }
}
