// The authoritative peers chaindns's zone-serving plugins are measured beside, each serving one
// zone file on 127.0.0.1 from a config written into a folder of its own: NSD 4 (Debian's `nsd`)
// and Knot DNS 3 (Debian's `knot`). Both run in the foreground with one server process or
// thread for UDP, no chroot or user change, no response rate limiting, and read the zone file
// at start. Also the CPU time and memory of a server's whole process tree (NSD forks its server
// and xfrd).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuSeconds, have } from './procs.js';

/** Debian packages of the peers, for the run to name when one is missing. */
export const AUTHORITATIVE_PACKAGES = { nsd: 'nsd', knot: 'knot' };

const BINARIES = { nsd: 'nsd', knot: 'knotd' };

export const haveAuthoritative = (name) => have(BINARIES[name]);

function nsd(dir, port, origin, zonefile) {
  const conf = join(dir, 'nsd.conf');
  writeFileSync(
    conf,
    `server:
  ip-address: 127.0.0.1
  port: ${port}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  database: ""
  zonelistfile: "${join(dir, 'zone.list')}"
  xfrdfile: "${join(dir, 'xfrd.state')}"
  pidfile: "${join(dir, 'nsd.pid')}"
  logfile: "${join(dir, 'nsd.log')}"
  verbosity: 0
  hide-version: yes
  # Debian's NSD limits answers per client (RRL): one load generator would be cut to 200 NXDOMAIN a second.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: ${origin}
  zonefile: "${zonefile}"
`,
  );
  return ['nsd', ['-d', '-c', conf]];
}

function knot(dir, port, origin, zonefile) {
  const conf = join(dir, 'knot.conf');
  // One UDP worker (one core, as every server here), the zone file read whole and never written back, no journal.
  writeFileSync(
    conf,
    `server:
    listen: 127.0.0.1@${port}
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
    rundir: "${dir}"
    pidfile: "${join(dir, 'knot.pid')}"
log:
  - target: stderr
    any: error
database:
    storage: "${join(dir, 'db')}"
template:
  - id: default
    storage: "${dir}"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: ${origin}
    file: "${zonefile}"
`,
  );
  return ['knotd', ['-c', conf]];
}

/** The command line of `name` (nsd or knot) serving `zonefile` as `origin` on 127.0.0.1:`port`, its config and state in `dir`. */
export function authoritativeCommand(name, dir, port, origin, zonefile) {
  mkdirSync(dir, { recursive: true });
  return { nsd, knot }[name](dir, port, origin, zonefile);
}

/** The processes under `pid`, itself included. */
function tree(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

/** CPU seconds of the process tree under `pid` (a process's own count covers its threads). */
export const treeCpu = (pid) => tree(pid).reduce((sum, p) => sum + cpuSeconds(p), 0);

/** Proportional set size of the tree in MB (shared pages counted once across it). */
export function pssMb(pid) {
  let kb = 0;
  for (const p of tree(pid)) {
    const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
    kb += Number(m?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

/** Runs `measure` and puts the whole tree's CPU per answer on its result. */
export async function withTreeCpu(child, measure) {
  const before = treeCpu(child.pid);
  const result = await measure();
  const cpu = treeCpu(child.pid) - before;
  const answers = result.completed ?? 0;
  return { ...result, serverCpu: cpu, cpuUsPerQuery: answers ? (cpu * 1e6) / answers : NaN, qpsPerCore: cpu > 0 ? answers / cpu : NaN };
}
