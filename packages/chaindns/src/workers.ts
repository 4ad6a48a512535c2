import { readFileSync } from 'node:fs';
import { ChainDNSError, dgramSharesPorts, type Logger, parseCorefile, type UdpTransport } from '@chaindns/core';
import { availableCpus } from './cpus.js';

/** The most workers a process runs (CoreDNS's multisocket limit). */
export const MAX_WORKERS = 1024;

/**
 * Set in a worker thread's own copy of the environment by the pool that starts it: the binary's
 * entry, which both run, tells them apart by it without loading node:worker_threads, which a server
 * without workers has no use for (0.35 MB of RSS).
 */
export const WORKER_ENV = 'CHAINDNS_WORKER_THREAD';

/** `-workers`: a number of threads, or `auto` (the CPUs the process may use). */
export function parseWorkers(value: string | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new ChainDNSError('CHAINDNS_STATE', `invalid value "${value}" for flag -workers: expected 1 to ${MAX_WORKERS}, or auto`);
  }
  return Number(value);
}

/**
 * How many threads serve: `-workers` when given, else the largest
 * `multisocket` of the Corefile, else one. More than one needs a UDP
 * transport that shares ports (SO_REUSEPORT: the native one, or dgram on
 * Node.js 22.12+): on an older Node.js's dgram the server serves on one
 * thread, and logs why.
 */
export async function workerCount(flag: number | 'auto' | undefined, corefile: { path: string } | string, dnsPort: number | undefined, udp: UdpTransport | undefined, log: Logger): Promise<number> {
  let count = flag === 'auto' ? availableCpus() : flag;
  let asked = `-workers ${flag}`;
  if (count === undefined) {
    const text = typeof corefile === 'string' ? corefile : readFileSync(corefile.path, 'utf8');
    count = await multisocketOf(text, typeof corefile === 'string' ? null : corefile.path, dnsPort);
    asked = `multisocket ${count}`;
  }
  if (count > 1 && !sharesPorts(udp)) {
    log.warn(`${asked}: serving on one thread: UDP is on Node.js's dgram, which cannot share a port between threads before Node.js 22.12 (SO_REUSEPORT: the native transport sets it; Node.js ${process.version}'s dgram does not)`);
    return 1;
  }
  return count;
}

/** Whether the UDP transport (undefined: Node.js's dgram) can share its ports with other threads and processes. */
export function sharesPorts(udp: UdpTransport | undefined): boolean {
  return udp ? udp.reusePort !== undefined : dgramSharesPorts();
}

/** The workers a Corefile's `multisocket` asks for (the largest of its blocks'), 1 without one. */
async function multisocketOf(text: string, file: string | null, dnsPort: number | undefined): Promise<number> {
  // Most Corefiles do not name it: the plugin's package loads only for one that does.
  if (!/\bmultisocket\b/.test(text)) return 1;
  const parsed = parseCorefile(text, { defaultPort: dnsPort ?? 53, ...(file !== null ? { file } : {}) });
  return (await import('@chaindns/multisocket')).workersOf(parsed, availableCpus()) ?? 1;
}

/**
 * After a reload: the number of workers is the process's, fixed at its start (CoreDNS's reload
 * opens a new set of sockets and so takes a changed `multisocket`; here each worker is a thread
 * with its own copy of what the primary shares, started with the process). A reloaded Corefile
 * whose `multisocket` asks for another number is told so in the log. `-workers` decides alone.
 */
export async function checkReloadedWorkers(flag: number | 'auto' | undefined, source: { path: string | null; text: string }, running: number, dnsPort: number | undefined, log: Logger): Promise<void> {
  if (flag !== undefined) return;
  const asked = await multisocketOf(source.text, source.path, dnsPort);
  if (asked !== running) log.warn(`multisocket ${asked}: the reloaded Corefile asks for ${asked} worker${asked === 1 ? '' : 's'}; the process keeps its ${running} until it restarts`);
}
