// The scaling phase of bench/run.js (--phases=scale): cache hits through chaindns's full default
// chain (errors, prometheus, cache, forward) with -workers 1 and 2, beside unbound with 1 and 2
// threads (so-reuseport) and dnsdist with 1 and 2 listeners (reusePort), in one run. Servers and
// the generator share both cores (nothing pinned): loadgen's closed loop (256 in flight) from 16
// source ports, since a server's sockets on one port (SO_REUSEPORT) each take the sources the
// kernel hashes to them. As the generator takes CPU from the servers, each run reports QPS and QPS
// per server core (answers per second of the server's CPU time, all its threads); the scaling is
// 2 threads over 1 of each.
import { readdirSync, readFileSync } from 'node:fs';
import { loadgen } from './loadgen.js';
import { havePeer, PEER_PACKAGES, peerCommand } from './peers.js';
import { freePort, log, start, stop } from './procs.js';

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const SOCKETS = 16;
const WINDOW = 256;

/** CPU seconds of each thread of `pid`, by thread id (/proc/PID/task/TID/stat, as procs.js reads a process). */
function threadCpu(pid) {
  const ticks = 100;
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / ticks);
    } catch {
      // The thread ended.
    }
  }
  return out;
}

/** The shares of the server's CPU time its `n` busiest threads took during a run, largest first. */
function busiest(before, after, n) {
  const spent = [...after].map(([tid, t]) => t - (before.get(tid) ?? 0)).sort((a, b) => b - a);
  const total = spent.reduce((a, b) => a + b, 0);
  return spent.slice(0, n).map((t) => (total > 0 ? t / total : 0));
}

/**
 * Starts `s` on both cores (for the server and for the generator alike) on a port free now; again on
 * another when it fails: on a busy machine a port free for UDP is often some TCP client's ephemeral
 * port (TIME_WAIT included), which the server's TCP listener cannot take.
 */
async function startOnFreePort(s, root) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const [cmd, args] = await s.command(port);
    try {
      return { child: await start(s.name, '0,1', cmd, args, port, root), port };
    } catch (err) {
      // dnsdist says why on stdout, which the run does not keep: any failed start tries another port.
      if (attempt >= 20) throw err;
      log(`${s.name} did not start on port ${port} (${err.message.trim().split('\n')[0]}): another port`);
    }
  }
}

/**
 * `chaindns(workers, port)` gives chaindns's command line; the peers come from peers.js.
 * Returns the runs and the lines of the table.
 */
export async function scalingPhase({ chaindns, upstreamPort, out, generator, hits, rounds, seconds, root, only }) {
  // Each server gets a port free when it starts (one chosen long before may be taken meanwhile).
  const servers = [];
  for (const threads of [1, 2]) servers.push({ name: `chaindns -workers ${threads}`, kind: 'chaindns', threads, command: (port) => chaindns(threads, port) });
  for (const name of ['unbound', 'dnsdist']) {
    if (only && !only.includes(name)) continue;
    if (!havePeer(name)) {
      log(`${name} is not installed (apt-get install ${PEER_PACKAGES[name]}): left out of the scaling phase`);
      continue;
    }
    for (const threads of [1, 2]) {
      servers.push({ name: `${name} ${threads === 1 ? '1 thread' : `${threads} ${name === 'dnsdist' ? 'listeners' : 'threads'}`}`, kind: name, threads, command: async (port) => peerCommand(name, port, upstreamPort, out, threads) });
    }
  }
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    for (const s of servers) {
      const { child, port } = await startOnFreePort(s, root);
      try {
        await loadgen(generator, child, port, hits, { seconds: 1, window: WINDOW, sockets: SOCKETS, core: null });
        const before = threadCpu(child.pid);
        const r = await loadgen(generator, child, port, hits, { seconds, window: WINDOW, sockets: SOCKETS, core: null });
        const shares = busiest(before, threadCpu(child.pid), s.threads + 1);
        runs.push({ driver: 'loadgen', server: s.name, workload: 'scale', threads: s.threads, round, ...r, threadShares: shares });
        log(`round ${round} ${s.name}: ${Math.round(r.qps)} QPS, server ${fmt(r.serverCpuShare, 2)} cores, ${Math.round(r.qpsPerCore)} QPS per server core, p99 ${r.p99Us} µs, lost ${r.lost}, busiest threads ${shares.map((x) => `${fmt(100 * x)}%`).join(' ')}`);
      } finally {
        await stop(child);
      }
    }
  }
  const best = (name) => runs.filter((r) => r.server === name).sort((a, b) => b.qps - a.qps)[0];
  const lines = [
    `Cache hits on both cores, servers and generator unpinned (loadgen, ${WINDOW} in flight from ${SOCKETS} source ports; the best of ${rounds} rounds by QPS):`,
    '',
    '| server | QPS | server cores used | QPS per server core | x 1 thread (QPS) | x 1 thread (per core) | busiest threads (share of its CPU) | p99 ms | lost |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|',
  ];
  for (const s of servers) {
    const b = best(s.name);
    if (!b) continue;
    const one = best(servers.find((o) => o.kind === s.kind && o.threads === 1)?.name);
    lines.push(
      `| ${s.name} | ${fmt(b.qps)} | ${fmt(b.serverCpuShare, 2)} | ${fmt(b.qpsPerCore)} | ${s.threads > 1 && one ? fmt(b.qps / one.qps, 2) : ''} | ${s.threads > 1 && one ? fmt(b.qpsPerCore / one.qpsPerCore, 2) : ''} | ${b.threadShares.map((x) => `${fmt(100 * x)}%`).join(', ')} | ${fmt(b.p99Us / 1000, 3)} | ${b.lost} |`,
    );
  }
  return { runs, lines };
}
