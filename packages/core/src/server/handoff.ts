import type net from 'node:net';
import type tls from 'node:tls';
import { clientPasses, type ServerTls } from './tls-settings.js';

/** The local and remote ends of a TCP connection, as the accepted socket and every socket over it report them. */
interface Ends {
  readonly localAddress?: string | undefined;
  readonly localPort?: number | undefined;
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
}

/** One TCP connection's four addresses: the same for the socket accepted and the TLS socket over it. */
function connectionKey(socket: Ends): string {
  return `${socket.localAddress}|${socket.localPort}|${socket.remoteAddress}|${socket.remotePort}`;
}

/**
 * Hands accepted sockets to a TLS front, a `tls.Server` that never listens
 * itself (`front.emit('connection')`), and the TLS socket it builds over one
 * back to the connection that socket was admitted as, found by the four
 * addresses they share. A reload replaces the front (a new certificate) and
 * keeps the listener; handshakes under way finish on the old front.
 */
export class Handoff<C> {
  private readonly byKey = new Map<string, C>();

  /** Registers `conn` until its handshake is done (or its socket closes) and gives the socket to `front`. */
  hand(socket: net.Socket, conn: C, front: net.Server): void {
    const key = connectionKey(socket);
    this.byKey.set(key, conn);
    socket.once('close', () => {
      if (this.byKey.get(key) === conn) this.byKey.delete(key);
    });
    front.emit('connection', socket);
  }

  /** The connection a TLS socket over an accepted one belongs to, once: it is no longer looked for. */
  private take(socket: Ends): C | undefined {
    const key = connectionKey(socket);
    const conn = this.byKey.get(key);
    this.byKey.delete(key);
    return conn;
  }

  /**
   * Watches a TLS front: each socket whose handshake is done and that passes
   * the client policy goes to `secured` with its connection; others close.
   * Handshake failures close their socket quietly (a client's error, not ours).
   */
  watch(front: tls.Server, settings: ServerTls, secured: (conn: C, socket: tls.TLSSocket) => void): void {
    front.on('secureConnection', (socket: tls.TLSSocket) => {
      const conn = this.take(socket);
      if (conn === undefined || !clientPasses(socket, settings.clientAuth)) socket.destroy();
      else secured(conn, socket);
    });
    front.on('tlsClientError', (_err, socket) => socket.destroy());
    const { keylog } = settings;
    if (keylog) front.on('keylog', (line: Buffer) => keylog(line));
  }
}
