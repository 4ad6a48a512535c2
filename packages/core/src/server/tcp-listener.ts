import type { Logger } from '../logger.js';
import type { FrameHandler, StreamListener, StreamSocketBinder } from '../transport.js';
import type { ConnectionOptions } from './connection-table.js';
import { DnsConnection } from './dns-connection.js';
import { listenStream } from './stream-listener.js';

/** DNS over TCP: 2-byte length framing, many pipelined queries per connection. */
export function listenTcp(address: string, port: number, options: ConnectionOptions, onFrame: FrameHandler, log: Logger, reusePort?: StreamSocketBinder): Promise<StreamListener> {
  return listenStream<DnsConnection>(
    'tcp',
    address,
    port,
    options,
    (socket, table) => {
      const conn = new DnsConnection(socket, options, onFrame, table);
      if (!table.admit(conn)) socket.destroy();
      else conn.attach(socket);
    },
    log,
    reusePort,
  ).then((binding) => ({ ...binding, update: () => {} }));
}
