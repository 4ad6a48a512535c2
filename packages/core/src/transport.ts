/**
 * Where a datagram came from. `family` is 4 or 6. An IPv4 peer of a dual-stack socket
 * (bound to `::`) is reported as the IPv4 address it is (`127.0.0.1`, family 4), never as
 * `::ffff:127.0.0.1`: every transport normalises it once, and maps it back when it sends.
 */
export interface Remote {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** The socket a datagram arrived on, and the way back to its sender. */
export interface UdpEndpoint {
  /**
   * Sends one datagram. Called during the synchronous handling of a batch (of this
   * socket or of any other socket of the same transport) it may be queued for one
   * batched send at that batch's end; called later it goes out at once. The transport
   * copies or keeps `data` as it needs: the caller may reuse it afterwards. A
   * connected socket sends to its peer whatever `to` says.
   */
  send(data: Uint8Array, to: Remote): void;
}

/**
 * Called once per datagram. `data` belongs to the handler (the transport never reuses
 * it), so a handler that answers later may keep it.
 */
export type PacketHandler = (data: Buffer, from: Remote, via: UdpEndpoint) => void;

export interface UdpBindOptions {
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * A client socket (a plugin's to its upstream): connected to this peer, so the
   * kernel takes datagrams from it alone and reports its ICMP errors (a refused
   * port) through `onError`. A peer the kernel will not send to (no route) fails
   * the bind.
   */
  readonly connect?: { readonly address: string; readonly port: number };
  /** Errors of the bound socket (a connected socket's refused port, a failed send); without it they are dropped. */
  readonly onError?: (err: NodeJS.ErrnoException) => void;
}

/** A bound socket; it sends as the endpoint its handler is given. */
export interface UdpBinding extends UdpEndpoint {
  /** The local address (of a connected socket: the one the kernel chose for its peer) and port. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A UDP transport: Node's dgram by default, or a batched native one (@chaindns/udp-native). */
export interface UdpTransport {
  readonly name: string;
  bind(options: UdpBindOptions, onPacket: PacketHandler): Promise<UdpBinding>;
}
