import type { Remote } from '../transport.js';

/**
 * A peer as plugins should see it: an IPv4 client of a dual-stack socket
 * arrives as `::ffff:a.b.c.d`; it is reported as the IPv4 address it is.
 */
export function remoteOf(address: string, port: number, family: string | number): Remote {
  if (address.startsWith('::ffff:') && address.includes('.')) return { address: address.slice(7), port, family: 4 };
  return { address, port, family: family === 'IPv6' || family === 6 ? 6 : 4 };
}
