import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { CorefileError, type PlannedPlugin, type ServerBlock, type ServerKey } from '@chaindns/core';
import type { BindConfig } from '@chaindns/bind';
import type { Findings } from './findings.js';

/** A server block and its directives as planned (parsed, not set up). */
export interface PlannedBlock {
  readonly block: ServerBlock;
  readonly planned: readonly PlannedPlugin[];
}

/** What the server listens on for a block without `bind`: every address. */
const EVERY_ADDRESS = '::';

/** CAP_NET_BIND_SERVICE in a capability mask. */
const NET_BIND_SERVICE = 1n << 10n;

/**
 * The lowest port this process may bind: 0 for root or with
 * CAP_NET_BIND_SERVICE (as CoreDNS's image and ours give node), else
 * Linux's `ip_unprivileged_port_start` (1024 unless the sysctl lowers it).
 */
export function firstUnprivilegedPort(uid = process.getuid?.(), proc = '/proc'): number {
  if (uid === 0) return 0;
  const read = (path: string): string | null => {
    try {
      return readFileSync(`${proc}/${path}`, 'utf8');
    } catch {
      return null;
    }
  };
  const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(read('self/status') ?? '')?.[1];
  if (effective && (BigInt(`0x${effective}`) & NET_BIND_SERVICE) !== 0n) return 0;
  const start = read('sys/net/ipv4/ip_unprivileged_port_start');
  return start === null ? 1024 : Number(start.trim());
}

/** True when a socket bound to `wide` takes the port of `narrow` too (Linux, without SO_REUSEPORT). */
function covers(wide: string, narrow: string): boolean {
  if (wide === narrow) return false;
  if (wide === '::') return true;
  return wide === '0.0.0.0' && (isIPv4(narrow) || narrow.toLowerCase().startsWith('::ffff:'));
}

const describe = (address: string): string => (address === '::' ? ':: (every address)' : address === '0.0.0.0' ? '0.0.0.0 (every IPv4 address)' : address);

/**
 * The addresses a block listens on: its `bind` resolved as bind's setup
 * does, else every address. Null when they cannot be known (bind did not
 * parse) or there are none (reported here, as setup would fail).
 */
async function addressesOf({ block, planned }: PlannedBlock, findings: Findings): Promise<readonly string[] | null> {
  const bind = block.directives.find((d) => d.name === 'bind');
  if (!bind) return [EVERY_ADDRESS];
  const config = planned.find((p) => p.name === 'bind')?.config as BindConfig | undefined;
  if (!config) return null;
  const { resolveAddresses } = await import('@chaindns/bind');
  const addresses = resolveAddresses(config);
  if (addresses.length > 0) return addresses;
  const zones = [...new Set(block.keys.map((k) => k.zone))].join(' ');
  findings.error(new CorefileError('CHAINDNS_LISTEN', bind.token.file, bind.token.line, `bind: no address left to listen on for ${zones}`));
  return null;
}

interface Listening {
  readonly address: string;
  readonly key: ServerKey;
  readonly block: number;
}

/**
 * What the listeners would meet: a block on one address and another on a
 * wildcard address of the same port, which cannot both be bound (an error:
 * the server stops with EADDRINUSE); ports below the first unprivileged one
 * (a warning: check rarely runs as the user and with the capabilities the
 * server gets, and `-dns.port` moves keys that name no port).
 */
export async function checkListeners(blocks: readonly PlannedBlock[], findings: Findings, unprivileged = firstUnprivilegedPort()): Promise<void> {
  const byPort = new Map<number, Listening[]>();
  for (const [i, b] of blocks.entries()) {
    const addresses = await addressesOf(b, findings);
    for (const key of b.block.keys) {
      for (const address of addresses ?? []) {
        const list = byPort.get(key.port) ?? [];
        list.push({ address, key, block: i });
        byPort.set(key.port, list);
      }
    }
  }
  for (const [port, list] of byPort) {
    const reported = new Set<string>();
    for (const [j, later] of list.entries()) {
      const earlier = list.slice(0, j).find((l) => l.block !== later.block && (covers(l.address, later.address) || covers(later.address, l.address)));
      if (!earlier || reported.has(`${earlier.block} ${later.block}`)) continue;
      reported.add(`${earlier.block} ${later.block}`);
      const { key } = later;
      const message = `${key.token.text} listens on ${describe(later.address)}, and the block at ${earlier.key.token.file}:${earlier.key.token.line} on ${describe(earlier.address)}, both port ${port}: the second socket cannot be bound beside the first (address in use); give both blocks the same bind addresses, or different ports`;
      findings.error(new CorefileError('CHAINDNS_LISTEN', key.token.file, key.token.line, message));
    }
    if (port > 0 && port < unprivileged) {
      const { key } = list[0]!;
      findings.warn(key.token, `port ${port} is below ${unprivileged}: this process (uid ${process.getuid?.() ?? '?'}) could not listen on it without root or CAP_NET_BIND_SERVICE (CoreDNS's image and Deployment grant it; -dns.port moves keys that name no port)`);
    }
  }
}
