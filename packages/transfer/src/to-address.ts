/** A `to` address: `*`, or a secondary as `IP`, `IP:PORT` or `[IPv6]:PORT` (port 53 when none is given). */
import { type HostPort, parseIpPort, type Token } from '@chaindns/core';

export type Secondary = HostPort;

/** `*` (any client), or one secondary; CoreDNS's parse.HostPort without its file form. */
export function parseTo(token: Token): Secondary | '*' {
  return token.text === '*' ? '*' : parseIpPort(token, 'transfer');
}
