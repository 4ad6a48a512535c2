import type { ListenOptions } from 'node:net';
import type { Scheme } from './corefile/types.js';
import type { Logger } from './logger.js';
import type { ConnectionOptions } from './server/connection-table.js';
import type { ServerTls } from './server/tls-settings.js';

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
  /** Told when a query that came this way gets no answer (NO_REPLY); a socket need not listen, an in-process exchange does. */
  noReply?(): void;
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
  /**
   * SO_REUSEPORT: other sockets (other workers' of the process, a successor process's) may bind
   * the same address and port, and the kernel spreads datagrams among them. Only with a
   * transport that offers `reusePort`.
   */
  readonly reusePort?: boolean;
}

/** A bound socket; it sends as the endpoint its handler is given. */
export interface UdpBinding extends UdpEndpoint {
  /** The local address (of a connected socket: the one the kernel chose for its peer) and port. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
  /**
   * Takes no new datagram from now on while it still sends (the answers to what it took go out
   * until `close`). On a transport that offers `reusePort`, new datagrams go to the other sockets
   * on its port (or are refused when there are none), those already queued still arrive, and it
   * resolves once they have; elsewhere (dgram) what arrives is dropped. Without it a listener
   * stops by closing.
   */
  detach?(): Promise<void>;
}

/**
 * Binds listening stream (TCP) sockets with SO_REUSEPORT, which Node.js's `net` sets only from
 * 22.12: a UDP transport that shares ports (`reusePort`) shares its listeners' TCP ports with it.
 */
export interface StreamSocketBinder {
  /**
   * What `net.Server.listen` takes to listen on `address:port` with SO_REUSEPORT: a TCP socket
   * the transport bound (`{ fd }`, the native one), or Node.js's own `reusePort` (22.12+). A bind
   * that fails may throw here.
   */
  listenOptions(address: string, port: number): ListenOptions | { readonly fd: number };
}

/** A UDP transport: Node's dgram by default, or a batched native one (@chaindns/udp-native). */
export interface UdpTransport {
  readonly name: string;
  bind(options: UdpBindOptions, onPacket: PacketHandler): Promise<UdpBinding>;
  /** Present when `bind` honours `reusePort` (and its bindings `detach`): binds the TCP side of such listeners. */
  readonly reusePort?: StreamSocketBinder;
  /** Present when the transport also serves plain DNS over TCP (`dns://`): the server's TCP listeners use it instead of node:net. */
  readonly tcp?: DnsTcpTransport;
}

export interface DnsTcpListenOptions {
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** SO_REUSEPORT, shared with other workers or processes. */
  readonly reusePort: boolean;
  /** The server's connection limits: the same timeouts, table and per-client allowance as node:net's listeners keep. */
  readonly limits: ConnectionOptions;
  readonly log: Logger;
}

/** DNS over TCP outside node:net: 2-byte framing, pipelined queries, core's connection rules (ConnectionTable, connectionDeadline, MAX_PENDING). */
export interface DnsTcpTransport {
  listen(options: DnsTcpListenOptions, onMessage: FrameHandler): Promise<StreamListener>;
}

/** Where one answer of a stream connection goes: length-framed for TCP and TLS, an HTTP response for DoH. */
export interface FrameSink {
  /** `more` marks a further message of a zone transfer after its first (the query was answered by the first). */
  sendFrame(msg: Buffer, more?: boolean): void;
  /** The query will get no answer (its chain returned NO_REPLY): nothing is owed for it. */
  noReply(): void;
}

/**
 * Takes one whole DNS message of a stream connection and the sink its answer
 * goes to; false when it is dropped unanswered (a response, a runt): a
 * connection owes such a message nothing, DoH answers it 400.
 */
export type FrameHandler = (data: Buffer, from: Remote, sink: FrameSink) => boolean;

export interface StreamListenOptions {
  /** `dns`: DNS over TCP; `tls`: DNS over TLS; `https`: DNS over HTTPS. */
  readonly scheme: Scheme;
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** What `tls` (always) and `https` (null: plain HTTP) serve; null for `dns`. */
  readonly tls: ServerTls | null;
  /** DoH: each response's HTTP status (`coredns_dns_https_responses_total`). */
  readonly httpStatus: (status: number) => void;
  /** Listen on a socket bound through this (SO_REUSEPORT), shared with other workers or processes. */
  readonly reusePort?: StreamSocketBinder;
}

/** A listening stream socket. */
export interface StreamListener {
  readonly address: string;
  readonly port: number;
  /** New connections get `tls` (a reload with a new certificate); open ones keep theirs. */
  update(tls: ServerTls | null): void;
  /** Stops accepting; open connections close once their answers are written (or after `graceMs`). */
  close(graceMs: number): Promise<void>;
}

/**
 * The stream transports: DNS over TCP, TLS and HTTPS. Node's (`net`, `tls`,
 * `http2`, with the server's connection limits) by default; replaceable as the
 * UDP transport is, since every listener hands whole messages to the same
 * pipeline.
 */
export interface StreamTransport {
  readonly name: string;
  listen(options: StreamListenOptions, onMessage: FrameHandler): Promise<StreamListener>;
}
