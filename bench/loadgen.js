// The batched load generator (loadgen.c): built here with the machine's cc,
// as is the floor server (floor.c), and run pinned to core 1 against one
// server, with the server's CPU time read from /proc around the run.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, have, onCore } from './procs.js';

/** Builds bench/out/NAME from bench/NAME.c when it is missing or older than it or a header of bench/; the error (why) without a C compiler. */
export function buildTool(here, out, name) {
  const src = join(here, `${name}.c`);
  const bin = join(out, name);
  const mtime = (p) => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  const headers = readdirSync(here).filter((f) => f.endsWith('.h'));
  if (mtime(bin) >= Math.max(mtime(src), ...headers.map((h) => mtime(join(here, h))))) return { bin };
  const cc = process.env.CC ?? 'cc';
  if (!have(cc)) return { error: `no C compiler (${cc}) to build ${name}` };
  mkdirSync(out, { recursive: true }); // a fresh checkout has no bench/out yet
  const r = spawnSync(cc, ['-O2', '-Wall', '-o', bin, src], { encoding: 'utf8' });
  if (r.status !== 0) return { error: `${cc} failed to build ${src}:\n${r.stderr}` };
  return { bin };
}

/**
 * One run of the generator against `server` (a child process) on `port`:
 * `window` queries in flight (closed loop), or `rate` queries per second (open
 * loop), from `sockets` source ports, pinned to `core` (null: anywhere).
 * Returns the generator's JSON, the server's CPU seconds during it, and
 * answers per server CPU second.
 */
export async function loadgen(bin, server, port, file, { seconds, window = 256, rate = 0, sockets = 1, core = 1 }) {
  const args = ['-p', String(port), '-d', file, '-l', String(seconds), '-w', String(window), ...(rate ? ['-r', String(rate)] : []), ...(sockets > 1 ? ['-s', String(sockets)] : [])];
  const [c, a] = core === null ? [bin, args] : onCore(core, bin, args);
  // A server that exits during the run (the handoff phase's old process) has no CPU time to read: NaN.
  const cpuOf = (pid) => {
    try {
      return cpuSeconds(pid);
    } catch {
      return NaN;
    }
  };
  const cpuBefore = cpuOf(server.pid);
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const [code] = await once(child, 'exit');
  const cpu = cpuOf(server.pid) - cpuBefore;
  if (code !== 0) throw new Error(`loadgen exited ${code}`);
  const result = JSON.parse(stdout);
  return { ...result, serverCpu: cpu, serverCpuShare: cpu / seconds, qpsPerCore: cpu > 0 ? result.completed / cpu : NaN };
}

/**
 * One run of tcpgen (one query per TCP connection, `concurrency` connections at once) against
 * `server` on `port`, with the server's CPU seconds during it (its children's too: dnsmasq
 * serves each connection from a process of its own) and answers per server CPU second.
 */
export async function tcpgen(bin, server, port, file, { seconds, concurrency = 20 }) {
  const args = ['-p', String(port), '-d', file, '-l', String(seconds), '-c', String(concurrency)];
  const [c, a] = onCore(1, bin, args);
  const cpuBefore = cpuSeconds(server.pid, true);
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const [code] = await once(child, 'exit');
  const cpu = cpuSeconds(server.pid, true) - cpuBefore;
  if (code !== 0) throw new Error(`tcpgen exited ${code}`);
  const result = JSON.parse(stdout);
  return { ...result, serverCpu: cpu, serverCpuShare: cpu / seconds, qpsPerCore: cpu > 0 ? result.completed / cpu : NaN, cpuUsPerQuery: result.completed ? (cpu * 1e6) / result.completed : NaN };
}
