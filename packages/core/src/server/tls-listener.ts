import tls from 'node:tls';
import type { Logger } from '../logger.js';
import type { ConnectionOptions } from './connection-table.js';
import type { FrameHandler, StreamListener, StreamSocketBinder } from '../transport.js';
import { DnsConnection } from './dns-connection.js';
import { Handoff } from './handoff.js';
import { listenStream } from './stream-listener.js';
import { type ServerTls, tlsServerOptions } from './tls-settings.js';

/**
 * DNS over TLS (RFC 7858): DNS over TCP's framing and limits inside TLS,
 * ALPN `dot` (RFC 9461's identifier; a client offering only other
 * protocols is refused in the handshake, one offering none is served). The
 * limits apply from the accept: the handshake counts against the first
 * query's read timeout.
 */
export function listenTls(
  address: string,
  port: number,
  options: ConnectionOptions,
  settings: ServerTls,
  onFrame: FrameHandler,
  log: Logger,
  reusePort?: StreamSocketBinder,
): Promise<StreamListener> {
  const handoff = new Handoff<DnsConnection>();
  const frontFor = (next: ServerTls): tls.Server => {
    const front = tls.createServer(tlsServerOptions(next, ['dot']));
    handoff.watch(front, next, (conn, socket) => conn.attach(socket));
    return front;
  };
  let front = frontFor(settings);
  return listenStream<DnsConnection>(
    'tls',
    address,
    port,
    options,
    (socket, table) => {
      const conn = new DnsConnection(socket, options, onFrame, table);
      if (!table.admit(conn)) socket.destroy();
      else handoff.hand(socket, conn, front);
    },
    log,
    reusePort,
  ).then((binding) => ({
    ...binding,
    update: (next: ServerTls | null) => {
      // A tls:// block always has TLS (the server refuses one without).
      if (next) front = frontFor(next);
    },
  }));
}
