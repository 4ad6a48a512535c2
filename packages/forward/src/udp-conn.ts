import type { Remote, UdpBinding, UdpTransport } from '@chaindns/core';
import { Channel, type Target } from './channel.js';

/**
 * A UDP socket to one upstream, bound on the server's transport (the batched
 * native one where it runs: the queries of a batch leave in one sendmmsg, the
 * replies come in one recvmmsg) and connected: the kernel drops datagrams
 * from any other address or port, and an ICMP "port unreachable" comes back
 * as ECONNREFUSED, which fails the queries in flight at once. A connect that
 * fails (no route: ENETUNREACH) fails its queries the same way.
 */
export class UdpConn extends Channel {
  private binding: UdpBinding | null = null;
  /** Datagrams written before the socket is bound and connected. */
  private queue: Buffer[] | null = [];
  private readonly peer: Remote;

  constructor(
    private readonly target: Target,
    udp: UdpTransport,
    onDrop: (reason: 'id' | 'question', reply: Buffer) => void,
  ) {
    super(onDrop);
    this.peer = { address: target.host, port: target.port, family: target.family };
    const options = {
      address: target.family === 6 ? '::' : '0.0.0.0',
      port: 0,
      connect: { address: target.host, port: target.port },
      onError: (err: NodeJS.ErrnoException) => this.failAll(err.code ?? err.message),
    };
    udp.bind(options, (msg) => this.receive(msg)).then(
      (binding) => {
        if (this.closed) return void binding.close();
        this.binding = binding;
        target.own.add('udp', binding.address, binding.port);
        for (const msg of this.queue!) binding.send(msg, this.peer);
        this.queue = null;
      },
      (err: NodeJS.ErrnoException) => {
        if (this.closed) return;
        // No route, or an address the kernel will not send to: the queued queries fail (a failed try), the socket is done.
        this.failAll(err.code ?? err.message);
        this.close();
      },
    );
  }

  protected write(query: Buffer): void {
    if (this.binding) this.binding.send(query, this.peer);
    else this.queue!.push(Buffer.from(query));
  }

  protected describe(): string {
    return `udp ${this.target.addr}`;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.binding) {
      this.target.own.delete('udp', this.binding.address, this.binding.port);
      void this.binding.close();
    }
    this.failAll('socket closed');
  }
}
