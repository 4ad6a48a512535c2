/** A `transfer from` address: the primary a zone is pulled from, and whose NOTIFY is taken. */
import { BlockList, isIP } from 'node:net';
import { configError, type HostPort, parseIpPort, type Token } from '@chaindns/core';

/** An IP address and a port. */
export type Primary = HostPort;

/** `IP`, `IP:PORT` or `[IPv6]:PORT`, port 53 when none is given: CoreDNS's parse.TransferIn, which takes no `*` and no name. */
export function parsePrimary(token: Token): Primary {
  if (token.text === '*') configError(token, "secondary: can't use '*' in transfer from");
  return parseIpPort(token, 'secondary');
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
