import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { configError, type Token } from '@chaindns/core';
import type { UpstreamAddress } from './config.js';

const DEFAULT_PORT = { dns: 53, tls: 853 } as const;

/**
 * One TO argument: `IP`, `IP:port`, `[IPv6]:port`, with an optional `dns://`
 * or `tls://` in front (`tls://IP%NAME` names the TLS server), or the path of
 * a resolv.conf-style file whose `nameserver` lines are read.
 */
export function parseTo(token: Token): UpstreamAddress[] {
  const text = token.text;
  const scheme = /^([a-zA-Z0-9+.-]+):\/\//.exec(text);
  let protocol: 'dns' | 'tls' = 'dns';
  let rest = text;
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (name !== 'dns' && name !== 'tls') configError(token, `forward: "${name}" is not supported as a destination protocol in forward: ${text}`);
    protocol = name;
    rest = text.slice(scheme[0].length);
  }
  const address = parseHostPort(rest, protocol, token);
  if (address) return [address];
  if (scheme) configError(token, `forward: not an IP address: "${text}"`);
  const servers = readNameservers(rest, token);
  if (servers === null) configError(token, `forward: not an IP address or file: "${text}"`);
  return servers;
}

/** `host[:port]` with host an IP, or null when `text` is not one (then it may be a file). */
function parseHostPort(text: string, protocol: 'dns' | 'tls', token: Token): UpstreamAddress | null {
  let host = text;
  let portText: string | null = null;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2] ?? null;
  } else if (text.indexOf(':') !== -1 && text.indexOf(':') === text.lastIndexOf(':')) {
    host = text.slice(0, text.indexOf(':'));
    portText = text.slice(text.indexOf(':') + 1);
  }
  // `%` is an IPv6 zone for plain DNS, and the TLS server name for tls:// (as CoreDNS's splitZone).
  let servername: string | null = null;
  const percent = host.lastIndexOf('%');
  const bare = percent === -1 ? host : host.slice(0, percent);
  const family = isIP(bare);
  if (family === 0) return null;
  if (percent !== -1) {
    const zone = host.slice(percent + 1);
    if (zone === '') configError(token, `forward: empty zone or server name after "%" in "${text}"`);
    if (protocol === 'tls') {
      servername = zone;
      host = bare;
    } else if (family === 4) {
      configError(token, `forward: "${text}": a zone after "%" is only for IPv6 addresses (or a TLS server name with tls://)`);
    }
  }
  let port: number = DEFAULT_PORT[protocol];
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) configError(token, `forward: "${text}": expected a port from 1 to 65535`);
    port = Number(portText);
  }
  const addr = family === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  return { protocol, host, port, family: family as 4 | 6, addr, servername };
}

/**
 * The nameservers of a resolv.conf-style file, on port 53, or null when the
 * file cannot be read. A file without any is an error, as in CoreDNS.
 */
function readNameservers(path: string, token: Token): UpstreamAddress[] | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const out: UpstreamAddress[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'nameserver' || fields[1] === undefined) continue;
    const server = fields[1];
    const family = isIP(server.split('%')[0]!);
    if (family === 0) configError(token, `forward: ${path}: nameserver "${server}" is not an IP address`);
    out.push(parseHostPort(family === 6 ? `[${server}]` : server, 'dns', token)!);
  }
  if (out.length === 0) configError(token, `forward: no nameservers found in ${path}`);
  return out;
}
