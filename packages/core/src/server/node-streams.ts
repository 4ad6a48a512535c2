import { ChainDNSError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DnsTcpTransport, StreamTransport } from '../transport.js';
import type { ConnectionOptions } from './connection-table.js';
import { listenTcp } from './tcp-listener.js';

/**
 * Node's stream transports (`net`, `tls`, `http2`), each connection held to `limits` from its
 * accept. The TLS and HTTPS listeners are loaded when a block first asks for one: node:tls and
 * node:http2 hold 3.3 MB of a process that serves plain DNS only. With `tcp` (a native UDP
 * transport's), plain DNS over TCP goes through it instead of node:net, under the same limits.
 */
export function nodeStreamTransport(limits: ConnectionOptions, log: Logger, tcp?: DnsTcpTransport): StreamTransport {
  return {
    name: 'node',
    async listen({ scheme, address, port, tls, httpStatus, reusePort }, onMessage) {
      if (scheme === 'dns' && tcp) return tcp.listen({ address, port, reusePort: reusePort !== undefined, limits, log }, onMessage);
      if (scheme === 'dns') return listenTcp(address, port, limits, onMessage, log, reusePort);
      if (scheme === 'https') return (await import('./https-listener.js')).listenHttps(address, port, limits, tls, onMessage, httpStatus, log, reusePort);
      if (!tls) throw new ChainDNSError('CHAINDNS_LISTEN', `DNS over TLS on ${address}:${port} needs a certificate`);
      return (await import('./tls-listener.js')).listenTls(address, port, limits, tls, onMessage, log, reusePort);
    },
  };
}
