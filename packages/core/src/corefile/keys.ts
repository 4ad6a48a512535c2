import { isIPv4 } from 'node:net';
import { CorefileError } from '../errors.js';
import { parseIPv6 } from '../ipv6.js';
import type { Scheme, ServerKey, Token } from './types.js';

/** The port of a key that names none, per scheme (CoreDNS's): `dns://` takes `-dns.port`. */
const schemePorts: Readonly<Record<Exclude<Scheme, 'dns'>, number>> = { tls: 853, https: 443 };

/** CoreDNS's schemes that chaindns does not serve (yet), for a clear refusal. */
const unsupportedSchemes = new Set(['grpc', 'quic', 'https3', 'unix']);

/**
 * Resolves one server block key, as CoreDNS's normalizeZone does: an optional
 * scheme (`dns://`, `tls://`, `https://`), a zone name or a CIDR, an optional
 * `:port` (without one, `defaultPort` for `dns://`, 853 for `tls://`, 443 for
 * `https://`). A CIDR becomes its reverse zones, several when its prefix is
 * not on an octet (nibble) boundary.
 */
export function parseServerKey(token: Token, defaultPort: number): ServerKey[] {
  const { scheme, rest } = splitScheme(token);
  const { host, port } = splitPort(rest, token, scheme === 'dns' ? defaultPort : schemePorts[scheme]);
  if (!host.includes('/')) return [{ token, scheme, zone: normalizeName(host, token), port }];
  const zones = reverseZones(host);
  if (!zones) fail(token, `"${host}" is not a valid CIDR: expected an address and a prefix length, e.g. 10.0.0.0/24 or fd00::/64`);
  return zones.map((zone) => ({ token, scheme, zone, port }));
}

function splitScheme(token: Token): { scheme: Scheme; rest: string } {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(token.text);
  if (!match) return { scheme: 'dns', rest: token.text };
  const name = match[1]!.toLowerCase();
  if (name !== 'dns' && name !== 'tls' && name !== 'https') {
    const which = unsupportedSchemes.has(name) ? `CoreDNS's ${match[0]} is not supported yet` : 'unknown scheme';
    fail(token, `unsupported scheme ${match[0]}: ${which}; chaindns serves dns://, tls:// and https://`);
  }
  return { scheme: name, rest: token.text.slice(match[0].length) };
}

function splitPort(rest: string, token: Token, defaultPort: number): { host: string; port: number } {
  const colon = rest.lastIndexOf(':');
  // An IPv6 CIDR has colons before its '/'; a port always comes after the mask.
  if (colon < 0 || colon < rest.indexOf('/')) return { host: rest, port: defaultPort };
  const text = rest.slice(colon + 1);
  if (text === '') fail(token, `expected a port after ':'`);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) fail(token, `bad port "${text}": expected a number from 0 to 65535`);
  return { host: rest.slice(0, colon), port: Number(text) };
}

function normalizeName(host: string, token: Token): string {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === '') return '.';
  if (name.length > 253) fail(token, `zone "${host}" is longer than 253 characters`);
  for (const label of name.split('.')) {
    if (label === '') fail(token, `zone "${host}" has an empty label`);
    if (!/^[a-z0-9_-]{1,63}$/.test(label)) {
      fail(token, `zone "${host}": "${label}" is not a DNS label (1 to 63 letters, digits, '-' or '_')`);
    }
  }
  return `${name}.`;
}

/**
 * The reverse zones of a CIDR (`10.0.0.0/24` -> `0.0.10.in-addr.arpa.`), or null
 * when it is not one. Host bits are ignored, as Go's net.ParseCIDR does. A prefix
 * off the octet (IPv4) or nibble (IPv6) boundary is widened to the next one and
 * listed as every zone it covers: at most 128 for IPv4 and 8 for IPv6.
 */
export function reverseZones(cidr: string): string[] | null {
  const slash = cidr.indexOf('/');
  const address = cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  const family = isIPv4(address) ? ipv4 : parseIPv6(address) ? ipv6 : null;
  if (slash < 0 || !family || !/^\d{1,3}$/.test(prefixText)) return null;
  const units = family.units(address);
  const prefix = Number(prefixText);
  if (prefix > units.length * family.unitBits) return null;
  const count = Math.ceil(prefix / family.unitBits);
  const free = count * family.unitBits - prefix;
  const zones: string[] = [];
  for (let k = 0; k < 1 << free; k++) {
    const labels = units.slice(0, count).map((unit, i) => (i === count - 1 ? ((unit >> free) << free) | k : unit));
    zones.push([...labels.reverse().map((unit) => unit.toString(family.radix)), family.suffix].join('.'));
  }
  return zones;
}

interface Family {
  readonly unitBits: number;
  readonly radix: number;
  readonly suffix: string;
  readonly units: (address: string) => number[];
}

const ipv4: Family = { unitBits: 8, radix: 10, suffix: 'in-addr.arpa.', units: (a) => a.split('.').map(Number) };
const ipv6: Family = { unitBits: 4, radix: 16, suffix: 'ip6.arpa.', units: ipv6Nibbles };

/** The 32 nibbles of a valid IPv6 address. */
function ipv6Nibbles(address: string): number[] {
  return [...parseIPv6(address)!].flatMap((b) => [b >> 4, b & 15]);
}

function fail(token: Token, message: string): never {
  throw new CorefileError('CHAINDNS_COREFILE_SYNTAX', token.file, token.line, `key "${token.text}": ${message}`);
}
