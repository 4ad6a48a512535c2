import dgram from 'node:dgram';
import { Channel, type Target } from './channel.js';

/**
 * A connected UDP socket to one upstream: the kernel drops datagrams from any
 * other address or port, and an ICMP "port unreachable" comes back as
 * ECONNREFUSED, which fails the queries in flight at once. A connect or send
 * that fails (no route: ENETUNREACH) fails its queries the same way.
 */
export class UdpConn extends Channel {
  private readonly socket: dgram.Socket;
  /** Datagrams written before the socket is connected. */
  private queue: Buffer[] | null = [];
  private local: { address: string; port: number } | null = null;

  constructor(
    private readonly target: Target,
    onDrop: (reason: 'id' | 'question') => void,
  ) {
    super(onDrop);
    const socket = (this.socket = dgram.createSocket(target.family === 6 ? 'udp6' : 'udp4'));
    socket.on('message', (msg) => this.receive(msg));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.failAll(err.code ?? err.message);
      if (this.queue) this.close();
    });
    socket.connect(target.port, target.host, (err?: NodeJS.ErrnoException) => {
      if (this.closed) return;
      // No route, or an address the kernel will not send to: the queued queries fail (a failed try), the socket is done.
      if (err) {
        this.failAll(err.code ?? err.message);
        this.close();
        return;
      }
      const local = socket.address();
      this.local = { address: local.address, port: local.port };
      target.own.add(local.address, local.port);
      for (const msg of this.queue!) socket.send(msg);
      this.queue = null;
    });
  }

  protected write(query: Buffer, id: number): void {
    const msg = Buffer.allocUnsafe(query.length);
    query.copy(msg);
    msg[0] = id >> 8;
    msg[1] = id & 0xff;
    if (this.queue) this.queue.push(msg);
    else this.socket.send(msg);
  }

  protected describe(): string {
    return `udp ${this.target.addr}`;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.local) this.target.own.delete(this.local.address, this.local.port);
    this.failAll('socket closed');
    this.socket.close();
  }
}
