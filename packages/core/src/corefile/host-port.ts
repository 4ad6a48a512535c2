import { isIP } from 'node:net';
import { configError } from './args.js';
import type { Token } from './types.js';

/** A listen address as CoreDNS writes it for its HTTP plugins: `:8080`, `127.0.0.1:8080`, `[::1]:8080`, `localhost:8181`. */
export interface HostPort {
  /** An IP address or a host name, lowercased; '' for every address, IPv4 and IPv6. */
  readonly host: string;
  readonly port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/**
 * Parses `[HOST]:PORT` as Go's net.SplitHostPort does (what CoreDNS checks),
 * and checks the host and the port. Errors start with `directive:` and end
 * with `example` (`:8080, 127.0.0.1:8080 or [::1]:8080`).
 */
export function parseHostPort(token: Token, directive: string, example = ':8080, 127.0.0.1:8080 or [::1]:8080'): HostPort {
  const text = token.text;
  const fail = (why: string): never => configError(token, `${directive}: address "${text}" ${why}: expected [HOST]:PORT, such as ${example}`);
  let host: string;
  let port: string;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0 || text[end + 1] !== ':') fail('has no port after the bracketed IPv6 address');
    host = text.slice(1, end);
    port = text.slice(end + 2);
    if (isIP(host) !== 6) fail(`has "${host}" in brackets, which is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) fail('has no port');
    host = text.slice(0, colon);
    port = text.slice(colon + 1);
    if (host.includes(':')) fail('has too many colons (an IPv6 address goes in brackets)');
    if (host !== '' && isIP(host) !== 4 && !HOST_NAME.test(host)) fail(`has "${host}", which is not an IP address or a host name`);
  }
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) fail(`has port "${port}", which is not a number from 0 to 65535`);
  return { host: host.toLowerCase(), port: Number(port) };
}

/**
 * An IP address with an optional port: `IP`, `IP:PORT` or `[IPv6]:PORT`,
 * `defaultPort` when none is given; a name is refused (CoreDNS's
 * parse.HostPort, which transfer's `to` and secondary's `transfer from` use).
 */
export function parseIpPort(token: Token, directive: string, defaultPort = 53): HostPort {
  const text = token.text;
  if (isIP(text) !== 0) return { host: text.toLowerCase(), port: defaultPort };
  const colon = text.lastIndexOf(':');
  const host = text.startsWith('[') ? text.slice(1, text.indexOf(']')) : colon < 0 ? text : text.slice(0, colon);
  if (isIP(host) === 0) configError(token, `${directive}: must specify an IP address: "${text}"`);
  return parseHostPort(token, directive, '10.0.0.1, 2001:db8::1, 10.0.0.1:5300 or [2001:db8::1]:5300');
}

/** The address as CoreDNS writes it: `:8080`, `[::1]:8080`, `localhost:8181`. */
export function formatHostPort(address: HostPort): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** The hosts to try, in order, for a listen host: '' (every address) is `::` (IPv4 too), else `0.0.0.0` where there is no IPv6. */
export function listenHosts(host: string): string[] {
  return host === '' || host === '::' ? ['::', '0.0.0.0'] : [host];
}

/** True for the errors a host without IPv6 gives when asked to listen on `::`. */
export function isNoIPv6(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL';
}
