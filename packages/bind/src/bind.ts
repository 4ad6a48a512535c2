import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** What `bind` was given: addresses or interface names to listen on, and ones to leave out. */
export interface BindConfig {
  readonly include: readonly string[];
  readonly except: readonly string[];
}

/** The interface's addresses, or null when no interface has that name. */
function interfaceAddresses(name: string): string[] | null {
  const iface = networkInterfaces()[name];
  if (!iface) return null;
  // Link-local IPv6 addresses need a zone to bind; CoreDNS skips them too.
  return iface.filter((a) => !(a.family === 'IPv6' && a.address.startsWith('fe80:'))).map((a) => a.address);
}

/** Expands interface names into addresses, removes the `except` ones, and keeps the first of duplicates. */
export function resolveAddresses(config: BindConfig): string[] {
  const expand = (entry: string): string[] => (isIP(entry) ? [entry] : (interfaceAddresses(entry) ?? []));
  const excluded = new Set(config.except.flatMap(expand));
  return [...new Set(config.include.flatMap(expand))].filter((a) => !excluded.has(a));
}

/** True when the entry is an IP address or the name of an interface on this host. */
export function isAddressOrInterface(entry: string): boolean {
  return isIP(entry) !== 0 || interfaceAddresses(entry) !== null;
}
