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
 * The connections of one stream listener by their addresses, so that the TLS
 * or HTTP socket a protocol server builds over an accepted socket finds the
 * connection that socket was admitted as. Accepted sockets are handed to
 * protocol servers that never listen themselves (`front.emit('connection')`):
 * a reload replaces the front (a new certificate) and keeps the listener.
 */
export class Handoff<C> {
  private readonly byKey = new Map<string, C>();

  /** Registers `conn` for `socket`'s lifetime and gives the socket to `front`. */
  hand(socket: net.Socket, conn: C, front: net.Server): void {
    const key = connectionKey(socket);
    this.byKey.set(key, conn);
    socket.once('close', () => {
      if (this.byKey.get(key) === conn) this.byKey.delete(key);
    });
    front.emit('connection', socket);
  }

  /** The connection a socket built over an accepted one belongs to (by its addresses), if it is still open. */
  find(socket: Ends): C | undefined {
    return this.byKey.get(connectionKey(socket));
  }

  /**
   * Watches a TLS front: each socket whose handshake is done and that passes
   * the client policy goes to `secured` with its connection; others close.
   * Handshake failures close their socket quietly (a client's error, not ours).
   */
  watch(front: tls.Server, settings: ServerTls, secured: (conn: C, socket: tls.TLSSocket) => void): void {
    front.on('secureConnection', (socket: tls.TLSSocket) => {
      const conn = this.find(socket);
      if (conn === undefined || !clientPasses(socket, settings.clientAuth)) socket.destroy();
      else secured(conn, socket);
    });
    front.on('tlsClientError', (_err, socket) => socket.destroy());
    const { keylog } = settings;
    if (keylog) front.on('keylog', (line: Buffer) => keylog(line));
  }
}
