import { isIP, type AddressInfo, type Server } from 'node:net';
import type { StreamSocketBinder } from '../transport.js';

/**
 * Listens `server` (an HTTP server of a plugin: health, ready, /metrics) on
 * `host:port` as the server's own listeners do: with SO_REUSEPORT through
 * `reusePort` when the server shares its ports, so that a successor process
 * binds beside it during an upgrade. A host name (`localhost`) is looked up
 * first, as Node's listen does (its module loaded only then: most hosts are
 * addresses). Resolves with where it is bound.
 */
export async function listenShared(server: Server, host: string, port: number, reusePort: StreamSocketBinder | null): Promise<AddressInfo> {
  const ip = reusePort && !isIP(host) ? (await (await import('node:dns/promises')).lookup(host)).address : host;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const listening = (): void => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    };
    try {
      if (reusePort) server.listen(reusePort.listenOptions(ip, port), listening);
      else server.listen(port, host, listening);
    } catch (err) {
      server.off('error', reject);
      reject(err);
    }
  });
}
