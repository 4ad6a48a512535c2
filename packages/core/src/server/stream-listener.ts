import net from 'node:net';
import type { Logger } from '../logger.js';
import type { StreamListener, StreamSocketBinder } from '../transport.js';
import { type ConnectionOptions, ConnectionTable, MAX_CONNECTIONS_PER_CLIENT, type TableEntry } from './connection-table.js';

/** A connection of a stream listener (TCP, DNS over TLS, DNS over HTTPS), as its listener holds it. */
export interface StreamConnection extends TableEntry {
  /** Ends the connection once what it owes is out, or after `graceMs`. */
  finish(graceMs: number): void;
}

/**
 * Takes an accepted socket in: builds its connection and admits it to the
 * listener's table (`table.admit`), or destroys the socket when the table
 * has no room. Admission comes first, before any TLS handshake, so the
 * per-client and per-listener limits hold for handshakes too.
 */
export type Accept<C extends StreamConnection> = (socket: net.Socket, table: ConnectionTable<C>) => void;

/**
 * Listens on `address:port` for a stream protocol: one TCP server, one table
 * of its connections (the limits of `options`), `accept` for each socket.
 * `kind` names the protocol in log lines. Each protocol adds `update` (its TLS).
 * With `reusePort`, it listens on a socket bound through it (SO_REUSEPORT).
 */
export function listenStream<C extends StreamConnection>(
  kind: string,
  address: string,
  port: number,
  options: ConnectionOptions,
  accept: Accept<C>,
  log: Logger,
  reusePort?: StreamSocketBinder,
): Promise<Omit<StreamListener, 'update'>> {
  const table = new ConnectionTable<C>(options.maxConnections, MAX_CONNECTIONS_PER_CLIENT);
  const server = net.createServer({ noDelay: true }, (socket) => accept(socket, table));
  return new Promise((resolve, reject) => {
    // A failed listen is the caller's error to report; only later errors are logged here.
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      server.on('error', (err) => log.error(`${kind} ${address}:${port}: ${err.message}`));
      const bound = server.address() as net.AddressInfo;
      resolve({
        address: bound.address,
        port: bound.port,
        close: async (graceMs) => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          for (const c of table) c.finish(graceMs);
          await closed;
        },
      });
    };
    // A failed bind throws here (rejecting); a failed listen closes the descriptor and emits 'error'.
    if (reusePort) server.listen(reusePort.listenOptions(address, port), listening);
    else server.listen({ host: address, port, ipv6Only: false }, listening);
  });
}
