import net from 'node:net';
import { Channel, type Target } from './channel.js';
import { nodeTls } from './tls-module.js';

/**
 * A TCP or TLS connection to one upstream carrying pipelined queries
 * (RFC 7766), each framed with its two-byte length. Replies may come in any
 * order; they are matched by ID and question.
 */
export class StreamConn extends Channel {
  private readonly socket: net.Socket;
  private rest: Buffer | null = null;
  private local: { address: string; port: number } | null = null;

  constructor(
    private readonly target: Target,
    onDrop: (reason: 'id' | 'question', reply: Buffer) => void,
    /** TLS only: a session to resume, and where to hand the tickets the upstream sends. */
    resume?: { readonly session: Buffer | undefined; readonly onSession: (session: Buffer) => void },
  ) {
    super(onDrop);
    const connectEvent = target.tls ? 'secureConnect' : 'connect';
    const socket = (this.socket = target.tls
      ? nodeTls().connect({ ...target.tls, host: target.host, port: target.port, ...(resume?.session ? { session: resume.session } : {}) })
      : net.connect({ host: target.host, port: target.port }));
    socket.setNoDelay(true);
    socket.once(connectEvent, () => {
      if (socket.localAddress === undefined || socket.localPort === undefined) return;
      this.local = { address: socket.localAddress, port: socket.localPort };
      target.own.add('tcp', this.local.address, this.local.port);
    });
    if (resume) socket.on('session', resume.onSession);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    // Closed at once, so a query sent again never lands on this connection before its 'close' comes.
    socket.on('error', (err: NodeJS.ErrnoException) => this.close(err.code ?? err.message));
    socket.on('close', () => this.close());
  }

  private read(chunk: Buffer): void {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let off = 0;
    while (data.length - off >= 2) {
      const len = (data[off]! << 8) | data[off + 1]!;
      if (data.length - off - 2 < len) break;
      // A copy, so a reply kept by a cache holds no reference to the whole read.
      this.receive(Buffer.from(data.subarray(off + 2, off + 2 + len)));
      off += 2 + len;
    }
    this.rest = off < data.length ? data.subarray(off) : null;
  }

  protected write(query: Buffer): void {
    const frame = Buffer.allocUnsafe(query.length + 2);
    frame[0] = query.length >> 8;
    frame[1] = query.length & 0xff;
    query.copy(frame, 2);
    this.socket.write(frame);
  }

  protected describe(): string {
    return `${this.target.tls ? 'tls' : 'tcp'} ${this.target.addr}`;
  }

  close(reason = 'connection closed'): void {
    if (this.closed) return;
    this.closed = true;
    if (this.local) this.target.own.delete('tcp', this.local.address, this.local.port);
    // A connection that never opened (refused, no route) fails every query: none is worth sending again.
    this.failAll(reason, this.local !== null);
    this.socket.destroy();
  }
}
