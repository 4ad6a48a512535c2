// Processes of the bench: pinning, start (until a query is answered), stop,
// free ports and CPU time from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { availableParallelism } from 'node:os';
import { queryA } from './wire.js';

export function log(line) {
  process.stderr.write(`[bench] ${line}\n`);
}

export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Servers on core 0, load generators (and the upstream) on core 1, when there are two cores and taskset. */
export const pinned = availableParallelism() >= 2 && have('taskset');
export const onCore = (core, cmd, args) => (pinned ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

/** A free UDP port on 127.0.0.1. */
export async function freePort() {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** A port on 127.0.0.1 free for both UDP and TCP (a DNS server listens on both). */
export async function freeDnsPort() {
  for (;;) {
    const port = await freePort();
    const s = net.createServer();
    const ok = await new Promise((resolve) => {
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      await new Promise((resolve) => s.close(resolve));
      return port;
    }
  }
}

/** A free TCP port on 127.0.0.1 (the metrics listener). */
export async function freeTcpPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Starts a process on `core`; resolves once a query to `port` is answered (within `timeoutMs`: a large zone takes a while). `env` and `stdout` (a file descriptor) are the child's. */
export async function start(name, core, cmd, args, port, cwd, { env, stdout = 'ignore', timeoutMs = 15_000 } = {}) {
  const [c, a] = onCore(core, cmd, args);
  const child = spawn(c, a, { stdio: ['ignore', stdout, 'pipe'], cwd, ...(env ? { env } : {}) });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
    if (await answers(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer on ${port}: ${stderr}`);
    }
  }
}

function answers(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (ok) => {
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 200);
    s.on('message', () => done(true));
    s.send(queryA('name0.bench.example', 1), port, '127.0.0.1');
  });
}

export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await once(child, 'exit');
  clearTimeout(timer);
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc; with `children`, those of its children that have ended too. */
export function cpuSeconds(pid, children = false) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0)) / clockTicks;
}

/** The three load averages, as /proc/loadavg has them. */
export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Runs `cmd` to its end; resolves with its exit code. */
export async function run(cmd, args, stdio) {
  const child = spawn(cmd, args, { stdio });
  const [code] = await once(child, 'exit');
  return code;
}
