import { ChainDNSError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { StreamTransport } from '../transport.js';
import type { ConnectionOptions } from './connection-table.js';
import { listenHttps } from './https-listener.js';
import { listenTcp } from './tcp-listener.js';
import { listenTls } from './tls-listener.js';

/** Node's stream transports (`net`, `tls`, `http2`), each connection held to `limits` from its accept. */
export function nodeStreamTransport(limits: ConnectionOptions, log: Logger): StreamTransport {
  return {
    name: 'node',
    listen({ scheme, address, port, tls, httpStatus, reusePort }, onMessage) {
      if (scheme === 'dns') return listenTcp(address, port, limits, onMessage, log, reusePort);
      if (scheme === 'https') return listenHttps(address, port, limits, tls, onMessage, httpStatus, log, reusePort);
      if (!tls) return Promise.reject(new ChainDNSError('CHAINDNS_LISTEN', `DNS over TLS on ${address}:${port} needs a certificate`));
      return listenTls(address, port, limits, tls, onMessage, log, reusePort);
    },
  };
}
