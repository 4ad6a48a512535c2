// These mirror core's transport interface (packages/core/src/transport.ts) member for
// member. Structural typing makes them interchangeable, so this package needs no
// dependency on @chaindns/core. Change both together.

/** Where a datagram came from. `family` is 4 or 6; an IPv4 peer of a dual-stack socket is family 4. */
export interface Remote {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** The socket a datagram arrived on, and the way back to its sender. */
export interface UdpEndpoint {
  send(data: Uint8Array, to: Remote): void;
}

/** Called once per datagram; `data` belongs to the handler. */
export type PacketHandler = (data: Buffer, from: Remote, via: UdpEndpoint) => void;

export interface UdpBindOptions {
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface UdpBinding {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface UdpTransport {
  readonly name: string;
  bind(options: UdpBindOptions, onPacket: PacketHandler): Promise<UdpBinding>;
}
