/** A `transfer from` address: the primary a zone is pulled from, and whose NOTIFY is taken. */
import { BlockList, isIP } from 'node:net';
import { configError, parseHostPort, type Token } from '@chaindns/core';

export interface Primary {
  /** An IP address. */
  readonly host: string;
  readonly port: number;
}

/** `IP`, `IP:PORT` or `[IPv6]:PORT`, port 53 when none is given: CoreDNS's parse.TransferIn, which takes no `*` and no name. */
export function parsePrimary(token: Token): Primary {
  const text = token.text;
  if (text === '*') configError(token, "secondary: can't use '*' in transfer from");
  if (isIP(text) !== 0) return { host: text.toLowerCase(), port: 53 };
  const hp = parseHostPort(token, 'secondary', '10.0.1.1, 2001:db8::1, 10.0.1.1:5300 or [2001:db8::1]:5300');
  if (isIP(hp.host) === 0) configError(token, `secondary: must specify an IP address: "${text}"`);
  return hp;
}

export function formatPrimary(p: Primary): string {
  return p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
}

/**
 * Whether a NOTIFY from `address` comes from one of the primaries (CoreDNS's
 * isNotify compares the address, not the port). A BlockList compares
 * addresses whatever their spelling, an IPv4-mapped IPv6 one included.
 */
export function primaryMatcher(primaries: readonly Primary[]): (address: string) => boolean {
  const list = new BlockList();
  for (const p of primaries) list.addAddress(p.host, isIP(p.host) === 6 ? 'ipv6' : 'ipv4');
  return (address) => list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
