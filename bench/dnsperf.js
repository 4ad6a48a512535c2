// dnsperf (Debian's 2.10) against one server: QPS and mean from its summary,
// p99 from its per-query lines (-v), and the server's CPU time per answer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, createReadStream, openSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuSeconds, onCore } from './procs.js';

/**
 * Runs dnsperf against the server `child` listens with on `port` (`mode`: udp,
 * tcp or dot; `clients` connections or sockets): QPS and the
 * mean latency from dnsperf's summary, p99 from its per-query lines (-v), and
 * the server's CPU time per answered query (steady when the machine is not
 * quiet, where QPS is not). `runs` passes over the file, `limit` seconds at
 * most, `rate` queries a second at most, `tcp` over one TCP connection (pipelined).
 */
export async function dnsperf(server, port, file, out, { limit, verbose = true, runs, rate, mode = 'udp', clients = 1 } = {}) {
  const path = join(out, `dnsperf-${port}.txt`);
  const cpuBefore = cpuSeconds(server.pid);
  const fd = openSync(path, 'w');
  const args = ['-s', '127.0.0.1', '-p', String(port), '-m', mode, '-c', String(clients), '-d', file, ...(runs ? ['-n', String(runs)] : []), ...(limit ? ['-l', String(limit)] : []), ...(rate ? ['-Q', String(rate)] : []), ...(verbose ? ['-v'] : [])];
  const [c, a] = onCore(1, 'dnsperf', args);
  const child = spawn(c, a, { stdio: ['ignore', fd, 'inherit'] });
  const [code] = await once(child, 'exit');
  closeSync(fd);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  if (code !== 0) throw new Error(`dnsperf exited ${code}`);
  const result = await parseDnsperf(path);
  return { ...result, cpuUsPerQuery: result.completed ? (cpu * 1e6) / result.completed : NaN };
}

async function parseDnsperf(path) {
  const histogram = new Uint32Array(1_000_001); // microseconds, up to 1 s
  let count = 0;
  const summary = {};
  for await (const line of createInterface({ input: createReadStream(path) })) {
    if (line.startsWith('> ')) {
      const us = Math.min(Math.round(Number(line.slice(line.lastIndexOf(' ') + 1)) * 1e6), 1_000_000);
      histogram[us]++;
      count++;
      continue;
    }
    const m = /^\s+(Queries sent|Queries completed|Queries lost|Queries per second|Average Latency \(s\)):\s+([\d.]+)/.exec(line);
    if (m) summary[m[1]] = Number(m[2]);
  }
  let p99 = NaN;
  for (let us = 0, seen = 0; us < histogram.length; us++) {
    seen += histogram[us];
    if (seen >= count * 0.99) {
      p99 = us / 1000;
      break;
    }
  }
  return {
    qps: Math.round(summary['Queries per second'] ?? 0),
    meanMs: (summary['Average Latency (s)'] ?? NaN) * 1000,
    p99Ms: p99,
    sent: summary['Queries sent'] ?? 0,
    completed: summary['Queries completed'] ?? 0,
    lost: summary['Queries lost'] ?? 0,
  };
}
