// npm run bench:footprint: the memory and start-up of chaindns where cluster DNS runs, beside
// dnsmasq and unbound doing the same job. For each configuration (a Corefile), each server is
// started pinned to core 0 and measured from /proc: the time from exec to its first answer, RSS
// right after that answer (for the kubernetes configurations, right after the sync), after an idle
// spell, at its peak under a dnsperf load and after the load. chaindns runs as the cluster image
// runs it (`chaindns`: the esbuild bundle, with the node flags of deploy/Dockerfile's ENTRYPOINT and
// its ENV) and as npm installs it (`chaindns-npm`, the CLI in node_modules, plain `node`). Also timed: `-version` and `-plugins`. Results: tables on stdout, bench/out/footprint.json.
//
// Options: --only=whoami,node-local,cluster-small,cluster-large  --servers=chaindns,chaindns-npm,dnsmasq,unbound
// --idle=S (15)  --load=S (10)  --rate=QPS (10000)  --after=S (10)  --starts=N (3)
// --node-args="..." (flags for chaindns's node)  --probe (V8's heap, bench/mem-probe.js)  --smoke
// --tree=DIR (measure the chaindns of another checkout, built, with its own bundle script and image)
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startCluster } from './cluster.js';
import { dnsperf } from './dnsperf.js';
import { imageRuntime } from './image-runtime.js';
import { cpuSeconds, freeDnsPort, freeTcpPort, have, loadAverage, log, onCore, pinned } from './procs.js';
import { mallocHeap, rss, sampler } from './rss.js';
import { queryA } from './wire.js';
import { arg, flag } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout whose chaindns is measured: this one, or `--tree` (an older commit, built, for a before and after). */
const root = arg('tree') ? resolve(arg('tree')) : dirname(here);
const out = join(here, 'out');
const smoke = flag('smoke');
const IDLE = Number(arg('idle') ?? (smoke ? 1 : 15));
const LOAD = Number(arg('load') ?? (smoke ? 1 : 10));
const AFTER = Number(arg('after') ?? (smoke ? 1 : 10));
const RATE = Number(arg('rate') ?? 10_000);
const STARTS = Number(arg('starts') ?? (smoke ? 1 : 3));
const NODE_ARGS = (arg('node-args') ?? '').split(' ').filter(Boolean);
const PROBE = flag('probe');
const cli = join(root, 'packages/chaindns/dist/src/cli.js');
/**
 * Where the bundle runs from: a directory whose path is about as short as the image's (/chaindns).
 * How long the path is decides how much path code the module loader runs at start, and from about
 * 30 characters on (20 when the bundle was ESM) that is enough for V8 to optimize path.resolve's
 * normalizeString while a node-local cache starts: 3 MB more of RSS at rest (its optimizing
 * compiler's code), which the image does not pay (bench/README.md, "Footprint").
 */
const bundleDir = mkdtempSync(join(tmpdir(), 'cd'));
/** The bundle's entry, as the bundle script names it (chaindns.mjs before the bundle was CommonJS: a `--tree` of then). */
let bundleEntry = '';
/** The zone the upstream answers for every name (dnsmasq --address). */
const ZONE = 'flood.test';

/** The configurations of the issue; `cluster` sizes the stand-in API server. */
const CONFIGS = {
  whoami: { what: 'bind, whoami: the smallest server', first: 'whoami.footprint.test', peers: false },
  'node-local': { what: 'errors, cache, reload, loop, bind, forward, prometheus, health: the node-local cache', first: `first.${ZONE}`, peers: true },
  'cluster-small': { what: "CoreDNS's default Corefile, in-cluster, 100 services and 300 endpoints", cluster: { services: 100, endpointsPerService: 3 }, peers: false },
  'cluster-large': { what: "CoreDNS's default Corefile, in-cluster, 10,000 services and 100,000 endpoints", cluster: { services: smoke ? 1000 : 10_000, endpointsPerService: 10 }, peers: false },
};

const IMAGE = imageRuntime(root);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The Corefile of `config` for a server on `port`. */
function corefile(config, port, upstream, http) {
  const lines = {
    whoami: ['bind 127.0.0.1', 'whoami'],
    'node-local': ['errors', 'cache 30', 'reload', 'loop', 'bind 127.0.0.1', `forward . 127.0.0.1:${upstream}`, `prometheus 127.0.0.1:${http[0]}`, `health 127.0.0.1:${http[1]}`],
    cluster: [
      'bind 127.0.0.1',
      'errors',
      `health 127.0.0.1:${http[1]} {\n        lameduck 5s\n    }`,
      `ready 127.0.0.1:${http[2]}`,
      'kubernetes cluster.local in-addr.arpa ip6.arpa {\n        pods insecure\n        fallthrough in-addr.arpa ip6.arpa\n        ttl 30\n    }',
      `prometheus 127.0.0.1:${http[0]}`,
      `forward . 127.0.0.1:${upstream} {\n        max_concurrent 1000\n    }`,
      'cache 30',
      'loop',
      'reload',
      'loadbalance',
    ],
  }[config.startsWith('cluster') ? 'cluster' : config];
  return `.:${port} {\n${lines.map((l) => `    ${l}\n`).join('')}}\n`;
}

/** dnsperf's query file for `config`: names a server of that configuration answers. */
function queryFile(config, cluster) {
  const path = join(out, `footprint-${config}.txt`);
  const lines = [];
  const count = Math.max(1000, LOAD * RATE);
  for (let i = 0; i < count; i++) {
    if (config === 'whoami') lines.push('whoami.footprint.test A');
    // Every query a name never asked before: the cache fills to its capacity and then evicts.
    else if (config === 'node-local') lines.push(`n${i}.${ZONE} A`);
    // Nine in ten a service of the cluster, one in ten a new outside name (forwarded).
    else lines.push(i % 10 === 9 ? `x${i}.${ZONE} A` : `${cluster.name(Math.floor(Math.random() * cluster.size))} A`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** The servers that do `config`'s job, each a command for a port and a Corefile. */
function servers(config, upstream, cluster) {
  const list = [];
  const env = { ...withoutClusterEnv(process.env), ...(cluster?.env ?? {}) };
  const probe = PROBE ? ['--import', pathToFileURL(join(here, 'mem-probe.js')).href] : [];
  for (const [name, entry, image] of [
    ['chaindns', bundleEntry, IMAGE],
    ['chaindns-npm', cli, { nodeArgs: [], env: {} }],
  ]) {
    list.push({ name, env: { ...env, ...image.env, FLOOD_PROBE: join(out, `footprint-${config}-${name}.probe`) }, command: (port, conf) => [process.execPath, [...image.nodeArgs, ...NODE_ARGS, ...probe, entry, '-conf', conf, '-quiet']] });
  }
  if (CONFIGS[config].peers) {
    list.push({ name: 'dnsmasq', env, command: (port) => ['dnsmasq', ['--no-daemon', '--cache-size=10000', '--no-resolv', `--server=127.0.0.1#${upstream}`, `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file=']] });
    if (have('unbound')) {
      list.push({
        name: 'unbound',
        env,
        command: (port) => {
          const conf = join(out, `unbound-${port}.conf`);
          writeFileSync(conf, unboundConf(port, upstream));
          return ['unbound', ['-d', '-c', conf]];
        },
      });
    } else log('unbound is missing (apt-get install unbound): its rows are left out');
  }
  const only = arg('servers')?.split(',');
  return only ? list.filter((s) => only.includes(s.name)) : list;
}

/** unbound as a caching forwarder to the upstream, one thread, its default caches (and `test.` forwarded: unbound answers it NXDOMAIN itself by default). */
function unboundConf(port, upstream) {
  return `server:
  interface: 127.0.0.1
  port: ${port}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: ""
  use-syslog: no
  logfile: ""
  pidfile: ""
  verbosity: 0
  num-threads: 1
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  local-zone: "test." nodefault
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@${upstream}
`;
}

function withoutClusterEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^(KUBERNETES_SERVICE_\w+|CHAINDNS_SERVICEACCOUNT_DIR)$/.test(k)));
}

/**
 * Starts `command` on core 0 and asks `name` on `port` every 5 ms until an answer with data
 * comes; resolves with the process, the milliseconds from the exec, and the peak RSS until then.
 */
async function startToAnswer(server, command, port, name) {
  const [cmd, args] = onCore(0, ...command);
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const started = performance.now();
  const child = spawn(cmd, args, { cwd: out, env: server.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const peak = sampler(child.pid, 50);
  try {
    const ms = await new Promise((resolve, reject) => {
      let id = 0;
      const timer = setInterval(() => {
        if (child.exitCode !== null) reject(new Error(`${server.name} exited ${child.exitCode}: ${stderr}`));
        else if (performance.now() - started > 300_000) reject(new Error(`${server.name} did not answer ${name} within 300 s: ${stderr}`));
        else socket.send(queryA(name, ++id & 0xffff), port, '127.0.0.1');
      }, 5);
      socket.on('message', (msg) => {
        // NOERROR with a record in the answer or additional section (whoami answers in the latter).
        if ((msg[3] & 0x0f) !== 0 || msg.readUInt16BE(6) + msg.readUInt16BE(10) === 0) return;
        clearInterval(timer);
        resolve(performance.now() - started);
      });
    });
    return { child, ms, cpuMs: cpuSeconds(child.pid) * 1000, startPeak: peak.stop() };
  } catch (err) {
    await stop(child);
    throw err;
  } finally {
    peak.stop();
    socket.close();
  }
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // health's lameduck keeps a stopping server 5 s.
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  await once(child, 'exit');
  clearTimeout(timer);
}

/** The last line bench/mem-probe.js wrote, or null. */
function lastProbe(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8').trim().split('\n').at(-1));
  } catch {
    return null;
  }
}

/** One server through one configuration: start-up, RSS after the first answer, idle, under load, after. */
async function measure(config, server, upstream, cluster, queries) {
  const port = await freeDnsPort();
  const http = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
  const conf = join(out, `Corefile.footprint-${config}`);
  writeFileSync(conf, corefile(config, port, upstream, http));
  const command = server.command(port, conf);
  const first = cluster ? cluster.name(1) : CONFIGS[config].first;
  const starts = [];
  const cpus = [];
  for (let i = 1; i < STARTS; i++) {
    const run = await startToAnswer(server, command, port, first);
    starts.push(run.ms);
    cpus.push(run.cpuMs);
    await stop(run.child);
  }
  rmSync(server.env.FLOOD_PROBE ?? join(out, 'none'), { force: true });
  const run = await startToAnswer(server, command, port, first);
  starts.push(run.ms);
  cpus.push(run.cpuMs);
  const { child } = run;
  try {
    const answered = rss(child.pid);
    log(`${config} ${server.name}: first answer after ${Math.round(run.ms)} ms, ${answered.rss.toFixed(1)} MB; idle ${IDLE} s`);
    await sleep(IDLE * 1000);
    const idle = { ...rss(child.pid), malloc: mallocHeap(child.pid), probe: server.env.FLOOD_PROBE ? lastProbe(server.env.FLOOD_PROBE) : null };
    const loadPeak = sampler(child.pid, 200);
    const load = await dnsperf(child, port, queries, out, { limit: LOAD, rate: RATE, verbose: false });
    const peak = loadPeak.stop();
    await sleep(AFTER * 1000);
    const after = { ...rss(child.pid), malloc: mallocHeap(child.pid), probe: server.env.FLOOD_PROBE ? lastProbe(server.env.FLOOD_PROBE) : null };
    log(`${config} ${server.name}: idle ${idle.rss.toFixed(1)} MB, peak ${peak.toFixed(1)} MB under ${load.qps} QPS, ${after.rss.toFixed(1)} MB after`);
    return { config, server: server.name, startMs: median(starts), startCpuMs: median(cpus), starts, startPeak: run.startPeak, answered, idle, peak, load, after };
  } finally {
    await stop(child);
  }
}

/** Wall time of `entry FLAG` on core 0 (under `image`'s node flags and ENV), `STARTS + 2` runs: the median and the best, in ms. */
function timeFlag(entry, option, image) {
  const runs = [];
  for (let i = 0; i < STARTS + 2; i++) {
    const [cmd, args] = onCore(0, process.execPath, [...image.nodeArgs, entry, option]);
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...withoutClusterEnv(process.env), ...image.env } });
    runs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${entry} ${option} exited ${r.status}: ${r.stderr}`);
  }
  return { median: median(runs), best: Math.min(...runs) };
}

const mb = (n) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));
const ms = (n) => (n === undefined || Number.isNaN(n) ? '-' : String(Math.round(n)));

function tables(flags, results, lists) {
  const lines = ['\nStart-up, ms (median and best of the runs, wall clock, core 0):\n', '| binary | -version | -plugins |', '|---|---:|---:|'];
  for (const [name, f] of Object.entries(flags)) lines.push(`| ${name} | ${ms(f['-version'].median)} (${ms(f['-version'].best)}) | ${ms(f['-plugins'].median)} (${ms(f['-plugins'].best)}) |`);
  lines.push(
    `\nRSS, MB (VmRSS; idle: ${IDLE} s after the first answer; load: dnsperf at ${RATE} QPS for ${LOAD} s; after: ${AFTER} s later):\n`,
    '| configuration | server | exec to first answer ms (its CPU ms) | at first answer | idle | idle: anon / file / malloc | under load (peak) | after load | QPS | lost |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---:|',
  );
  for (const r of results) {
    lines.push(`| ${r.config} | ${r.server} | ${ms(r.startMs)} (${ms(r.startCpuMs)}) | ${mb(r.answered.rss)} | **${mb(r.idle.rss)}** | ${mb(r.idle.anon)} / ${mb(r.idle.file)} / ${mb(r.idle.malloc)} | ${mb(r.peak)} | ${mb(r.after.rss)} | ${r.load.qps} | ${r.load.lost} |`);
  }
  for (const [config, list] of Object.entries(lists)) {
    lines.push(`\n${config}: the stand-in API server's list time (services, EndpointSlices, namespaces at resourceVersion 0, concurrently) ${ms(list.protobuf)} ms in Protocol Buffers, as the plugin asks, and ${ms(list.json)} ms in JSON.`);
    // The start target is the list time plus 0.3 s: by either yardstick, how far each server's first answer is past the list.
    for (const r of results.filter((x) => x.config === config)) lines.push(`- ${r.server}: first answer ${ms(r.startMs - list.protobuf)} ms after the list in Protocol Buffers, ${ms(r.startMs - list.json)} ms after the list in JSON.`);
  }
  const probed = results.filter((r) => r.idle.probe);
  if (probed.length) {
    lines.push('\nV8 (bench/mem-probe.js), MB, idle / after load: heap committed, heap used, young generation, external\n', '| configuration | server | heap | used | young | external |', '|---|---|---:|---:|---:|---:|');
    const two = (r, f) => [r.idle.probe, r.after.probe].map((p) => (p ? mb(f(p)) : '-')).join(' / ');
    for (const r of probed) lines.push(`| ${r.config} | ${r.server} | ${two(r, (p) => p.heapTotal)} | ${two(r, (p) => p.heapUsed)} | ${two(r, (p) => p.spaces.new_space?.size)} | ${two(r, (p) => p.external)} |`);
  }
  return lines.join('\n') + '\n';
}

async function main() {
  for (const cmd of ['dnsperf', 'dnsmasq', 'openssl']) if (!have(cmd)) throw new Error(`${cmd} is missing (apt-get install ${cmd === 'dnsmasq' ? 'dnsmasq-base' : cmd})`);
  mkdirSync(out, { recursive: true });
  // This process holds the stand-in API server and samples: keep it off the servers' core.
  if (pinned) spawnSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  else log('fewer than 2 cores or no taskset: running unpinned');
  const { bundle } = await import(pathToFileURL(join(root, 'packages/chaindns/scripts/bundle.mjs')).href);
  const built = await bundle(bundleDir);
  bundleEntry = built.outfile;
  log(`bundle: ${built.files} files, ${(built.bytes / 1024).toFixed(0)} KB${built.placed.length ? ', with the native addon' : ''}, run as the image runs it: node ${IMAGE.nodeArgs.join(' ')}, ${Object.entries(IMAGE.env).map(([k, v]) => `${k}=${v}`).join(' ')}; load average ${loadAverage()}`);
  const flags = {};
  for (const [name, entry, image] of [
    ['chaindns', bundleEntry, IMAGE],
    ['chaindns-npm', cli, { nodeArgs: [], env: {} }],
  ]) {
    flags[name] = { '-version': timeFlag(entry, '-version', image), '-plugins': timeFlag(entry, '-plugins', image) };
  }
  const upstreamPort = await freeDnsPort();
  const [ucmd, uargs] = onCore(1, 'dnsmasq', ['--no-daemon', `--address=/${ZONE}/192.0.2.1`, '--cache-size=0', '--local-ttl=3600', '--no-resolv', `--port=${upstreamPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file=']);
  const upstream = spawn(ucmd, uargs, { stdio: 'ignore' });
  const results = [];
  const lists = {};
  const chosen = arg('only')?.split(',') ?? Object.keys(CONFIGS);
  try {
    for (const config of chosen) {
      if (!CONFIGS[config]) throw new Error(`unknown configuration ${config}: one of ${Object.keys(CONFIGS).join(', ')}`);
      let cluster = null;
      if (CONFIGS[config].cluster) {
        const { services, endpointsPerService } = CONFIGS[config].cluster;
        const dir = join(out, `cluster-${config}`);
        mkdirSync(dir, { recursive: true });
        cluster = { ...(await startCluster({ services, endpointsPerService, dir })), size: services };
        const json = Math.min(await cluster.listMs('json'), await cluster.listMs('json'), await cluster.listMs('json'));
        const protobuf = Math.min(await cluster.listMs(), await cluster.listMs(), await cluster.listMs());
        lists[config] = { protobuf, json };
        log(`${config}: ${services} services, ${services * endpointsPerService} endpoints; the list takes ${Math.round(protobuf)} ms (${Math.round(json)} ms in JSON)`);
      }
      const queries = queryFile(config, cluster);
      try {
        for (const server of servers(config, upstreamPort, cluster)) results.push(await measure(config, server, upstreamPort, cluster, queries));
      } finally {
        await cluster?.api.stop();
      }
    }
  } finally {
    upstream.kill();
    rmSync(bundleDir, { recursive: true, force: true });
  }
  process.stdout.write(tables(flags, results, lists));
  writeFileSync(join(out, 'footprint.json'), JSON.stringify({ date: new Date().toISOString(), load: loadAverage(), image: IMAGE, idleSeconds: IDLE, loadSeconds: LOAD, rate: RATE, afterSeconds: AFTER, nodeArgs: NODE_ARGS, flags, lists, results }, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});
