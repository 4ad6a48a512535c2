import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { canonicalIp } from './ip.js';

/**
 * This host's addresses for the NS records and their glue, as CoreDNS's
 * boundIPs without `bind`: loopback is left out, and so is link-local
 * (169.254.0.0/16, fe80::/10), which no client off the link can reach.
 */
export function localAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) {
      const ip = a.internal ? null : canonicalIp(a.address);
      if (ip && !isLinkLocal(ip) && !out.includes(ip)) out.push(ip);
    }
  }
  return out;
}

/** 169.254.0.0/16 or fe80::/10, for an address in canonicalIp's form. */
function isLinkLocal(ip: string): boolean {
  if (!ip.includes(':')) return ip.startsWith('169.254.');
  return (Number.parseInt(ip.slice(0, ip.indexOf(':')), 16) & 0xffc0) === 0xfe80;
}
