/** A `to` address: `*`, or a secondary as `IP`, `IP:PORT` or `[IPv6]:PORT` (port 53 when none is given). */
import { isIP } from 'node:net';
import { configError, parseHostPort, type Token } from '@chaindns/core';

export interface Secondary {
  readonly host: string;
  readonly port: number;
}

/** `*` (any client), or one secondary; CoreDNS's parse.HostPort without its file form. */
export function parseTo(token: Token): Secondary | '*' {
  const text = token.text;
  if (text === '*') return '*';
  if (isIP(text) !== 0) return { host: text.toLowerCase(), port: 53 };
  const hp = parseHostPort(token, 'transfer', '1.2.3.4, 12:34::56, 1.2.3.4:5300 or [12:34::56]:5300');
  if (isIP(hp.host) === 0) configError(token, `transfer: "${text}" is not an IP address, with or without a port`);
  return hp;
}
