// npm run bench: chaindns (the CLI, with the full default chain on a cache
// hit: errors, prometheus and cache in front of forward) against dnsmasq, a
// raw Node.js dgram echo (the ceiling of dgram) and the dns2 package, on
// loopback, each server pinned to core 0 and the load (and the upstream) to
// core 1. Two drivers:
// - dnsperf: cache hits and a mixed workload, as a DNS operator would measure;
// - loadgen.c: a batched generator (sendmmsg/recvmmsg) that outruns dnsperf,
//   for the top rate per server core and the latency at a fixed 100k QPS, the
//   latter with the servers taken in turn, run after run, beside floor.c (a C
//   reflector: what the machine gives any server at that moment).
// - secure.js: DNS over TLS and HTTPS beside dnsdist (dnsperf -m dot, h2load).
// Then (phases.js) cache misses through forward beside dnsmasq, unbound and
// dnsdist, cache hits over TCP beside unbound and dnsmasq, and the dgram
// fallback against the echo taken in turn; and (scaling.js) cache hits with
// -workers 1 and 2 beside unbound and dnsdist on 1 and 2 threads.
// `--smoke` runs everything for about a second, to keep this script from
// rotting. Results: the tables printed, and bench/out/results.json.
// The `file` phase (bench/file.js) serves a zone of a million records with
// chaindns's file plugin beside NSD; the `cluster` phase (bench/cluster-answers.js)
// uncached cluster answers from the kubernetes plugin beside NSD and Knot; the `dashboard` phase
// (bench/dashboard.js) what the dashboard plugin costs a cache hit, idle and watched.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterBench } from './cluster-answers.js';
import { dashboardPhase } from './dashboard.js';
import { dnsperf } from './dnsperf.js';
import { fileBench } from './file.js';
import { buildTool, loadgen } from './loadgen.js';
import { havePeer, PEER_PACKAGES, peerCommand } from './peers.js';
import { fallbackPhase, missPhase, tcpPhase } from './phases.js';
import { scalingPhase } from './scaling.js';
import { handoffPhase } from './handoff.js';
import { cacheRatioPhase } from './cache-ratio.js';
import { freeDnsPort, freePort, freeTcpPort, have, loadAverage, log, pinned, start, stop } from './procs.js';
import { report } from './report.js';
import { securePhase, secureReport } from './secure.js';
import { arg, flag } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const out = join(here, 'out');
const smoke = flag('smoke');
/** Rounds: each server's best round counts (the machine is shared: others only ever slow it). */
const rounds = Number(arg('rounds') ?? (smoke ? 1 : 3));
/** Which phases run: `--phases=dnsperf,loadgen,secure,file,cluster,miss,tcp,fallback,dashboard,scale,ratio,handoff` (all by default; see phases.js for miss, tcp and fallback, dashboard.js, scaling.js, cache-ratio.js and handoff.js for the last four). */
const phases = new Set((arg('phases') ?? 'dnsperf,loadgen,secure,file,cluster,miss,tcp,fallback,dashboard,scale,ratio,handoff').split(','));
/** Seconds of each measured run of the miss and TCP phases. */
const missSeconds = smoke ? 1 : 5;
/** Seconds of each cache-hit run with dnsperf. */
const hitSeconds = smoke ? 1 : 4;
/** Seconds of the one mixed run of each cache. */
const mixedSeconds = smoke ? 1 : 10;
/** Seconds of each load generator run (after one uncounted second). */
const loadSeconds = smoke ? 1 : 5;
/** Flags for chaindns's node (`--node-args="--max-semi-space-size=2"`), to measure a V8 flag's cost. */
const NODE_ARGS = (arg('node-args') ?? '').split(' ').filter(Boolean);
/** Queries the generator keeps in flight when it looks for the top rate. */
const WINDOW = Number(arg('window') ?? 256);
/** The fixed rate the latency target is stated at, and the runs of each server (short: a stall of the shared machine spoils a whole run). */
const FIXED_RATE = 100_000;
const FIXED_RUNS = Number(arg('fixed-runs') ?? (smoke ? 1 : 9));
const fixedSeconds = smoke ? 1 : 3;
const HOT_NAMES = 100;
/** One query in ten of the mixed workload is a name never asked before. */
const MISS_EVERY = 10;
/** Lines of the mixed file: more than the fastest server answers in a run, so no name comes round twice. */
const MIXED_LINES = smoke ? 20_000 : 2_000_000;

/** dnsperf and dnsmasq from Debian's packages when missing. */
function ensureTools() {
  const needed = [['dnsmasq', 'dnsmasq-base'], ...(phases.has('dnsperf') || phases.has('file') || phases.has('miss') || phases.has('tcp') ? [['dnsperf', 'dnsperf']] : []), ...(phases.has('file') || phases.has('cluster') ? [['nsd', 'nsd']] : []), ...(phases.has('cluster') ? [['knotd', 'knot']] : [])];
  const missing = needed.filter(([cmd]) => !have(cmd));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.map(([c]) => c).join(', ')}: install them (apt-get install ${missing.map(([, p]) => p).join(' ')})`);
  log(`installing ${missing.map(([, p]) => p).join(' ')} with apt-get`);
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing.map(([, p]) => p)]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

function writeQueryFiles() {
  mkdirSync(out, { recursive: true });
  const hits = join(out, 'hits.txt');
  writeFileSync(hits, Array.from({ length: HOT_NAMES }, (_, i) => `name${i}.bench.example A\n`).join(''));
  const mixed = join(out, 'mixed.txt');
  const w = createWriteStream(mixed);
  const chunk = 10_000;
  for (let i = 0; i < MIXED_LINES; i += chunk) {
    let text = '';
    for (let j = i; j < i + chunk && j < MIXED_LINES; j++) text += j % MISS_EVERY === 0 ? `miss${j}.bench.example A\n` : `name${j % HOT_NAMES}.bench.example A\n`;
    w.write(text);
  }
  w.end();
  return once(w, 'finish').then(() => ({ hits, mixed }));
}

const cli = join(root, 'packages/chaindns/dist/src/cli.js');

/** The CLI's UDP transport by default (`udp-native` where the addon is built, else `dgram`); throws when it lacks a plugin of the chain. */
function checkCli() {
  const plugins = spawnSync(process.execPath, [cli, '-plugins'], { encoding: 'utf8' });
  const names = new Set((plugins.stdout ?? '').split(/\s+/));
  const chain = ['errors', 'prometheus', 'cache', 'forward'];
  if (plugins.status !== 0 || !chain.every((p) => names.has(p))) throw new Error(`${cli} does not ship ${chain.join(', ')}: build first (npm run build)`);
  const version = spawnSync(process.execPath, [cli, '-version'], { encoding: 'utf8' }).stdout ?? '';
  return /udp (\S+)/.exec(version)?.[1] ?? 'dgram';
}

/**
 * chaindns's Corefile: the default chain of a cluster's cache hit (errors,
 * prometheus and cache in front of forward; no log), on 127.0.0.1 only.
 */
async function corefile(name, upstreamPort, port0) {
  const [port, metricsPort] = [port0 ?? (await freeDnsPort()), await freeTcpPort()];
  const path = join(out, `Corefile.${name}`);
  writeFileSync(path, `.:${port} {\n    bind 127.0.0.1\n    errors\n    prometheus 127.0.0.1:${metricsPort}\n    cache\n    forward . 127.0.0.1:${upstreamPort}\n}\n`);
  return { port, path };
}

/**
 * The latency at FIXED_RATE: every rated server up at once (idle ones cost
 * nothing), warmed, then taken in turn for FIXED_RUNS rounds of one run each,
 * so that each lives through the same moods of the shared machine.
 */
async function fixedRate(rated, started, bin, hits, runs) {
  const children = [];
  try {
    for (const s of rated) {
      const child = await started(s);
      children.push(child);
      await loadgen(bin, child, s.port, hits, { seconds: 1, rate: FIXED_RATE }); // warm-up
    }
    for (let round = 1; round <= FIXED_RUNS; round++) {
      for (const [i, s] of rated.entries()) {
        const fixed = await loadgen(bin, children[i], s.port, hits, { seconds: fixedSeconds, rate: FIXED_RATE });
        runs.push({ driver: 'loadgen', server: s.name, workload: 'fixed', round, ...fixed });
        log(`run ${round} ${s.name} loadgen ${FIXED_RATE} QPS: p50 ${fixed.p50Us} µs, p99 ${fixed.p99Us} µs, p99.9 ${fixed.p999Us} µs, lost ${fixed.lost}, generator behind ${(fixed.maxBehindUs / 1000).toFixed(1)} ms, server ${(100 * fixed.serverCpuShare).toFixed(0)}% of a core`);
      }
    }
  } finally {
    for (const child of children) await stop(child);
  }
}

async function main() {
  ensureTools();
  if (!pinned) log('fewer than 2 cores or no taskset: running unpinned, the numbers are not comparable');
  const defaultUdp = checkCli();
  // The tools are built into bench/out, which a fresh clone does not have yet.
  mkdirSync(out, { recursive: true });
  const usesTools = ['loadgen', 'file', 'cluster', 'miss', 'fallback', 'dashboard', 'scale', 'ratio', 'handoff'].some((p) => phases.has(p));
  const generator = usesTools ? buildTool(here, out, 'loadgen') : null;
  const floor = ['loadgen', 'miss', 'fallback', 'ratio', 'handoff'].some((p) => phases.has(p)) ? buildTool(here, out, 'floor') : null;
  const tcpgen = phases.has('tcp') ? buildTool(here, out, 'tcpgen') : null;
  if (tcpgen?.error) log(`${tcpgen.error}: no TCP runs of one query per connection`);
  for (const built of [generator, floor]) {
    if (!built?.error) continue;
    log(`${built.error}: the loadgen, cluster, miss, fallback, dashboard, scale, ratio and handoff phases are skipped`);
    for (const p of ['loadgen', 'cluster', 'miss', 'fallback', 'dashboard', 'scale', 'ratio', 'handoff']) phases.delete(p);
  }
  const files = await writeQueryFiles();
  const upstreamPort = await freeDnsPort();
  const upstream = await start('upstream', 1, process.execPath, [join(here, 'upstream.js'), String(upstreamPort)], upstreamPort, root);
  const chaindns = await corefile('chaindns', upstreamPort);
  const chaindnsDgram = await corefile('dgram', upstreamPort);
  const [dnsmasqPort, echoPort, dns2Port, floorPort] = [await freeDnsPort(), await freeDnsPort(), await freeDnsPort(), await freeDnsPort()];
  // dnsperf: driven by dnsperf; mixed: the caches get the mixed workload too; loadgen: the generator's top rate; rate: the fixed rate.
  const servers = [
    // The CLI as shipped: its default UDP transport (the batched native one where the addon is built).
    { name: 'chaindns', dnsperf: true, mixed: true, loadgen: true, rate: true, port: chaindns.port, command: [process.execPath, [...NODE_ARGS, cli, '-conf', chaindns.path, '-quiet']] },
    // Node's dgram, as the echo.
    { name: 'chaindns-dgram', dnsperf: true, mixed: true, loadgen: true, rate: false, port: chaindnsDgram.port, command: [process.execPath, [...NODE_ARGS, cli, '-conf', chaindnsDgram.path, '-quiet', '-udp', 'dgram']] },
    {
      name: 'dnsmasq',
      dnsperf: true,
      mixed: true,
      loadgen: true,
      rate: true,
      port: dnsmasqPort,
      // --conf-file=/dev/null, --no-hosts and an empty --pid-file keep the host's dnsmasq setup out of it.
      command: ['dnsmasq', ['--no-daemon', '--cache-size=1000', '--no-resolv', `--server=127.0.0.1#${upstreamPort}`, `--port=${dnsmasqPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file=']],
    },
    { name: 'echo', dnsperf: true, mixed: false, loadgen: true, rate: false, port: echoPort, command: [process.execPath, [join(here, 'echo.js'), String(echoPort)]] },
    { name: 'dns2', dnsperf: true, mixed: false, loadgen: false, rate: false, port: dns2Port, command: [process.execPath, [join(here, 'dns2-server.js'), String(dns2Port)]] },
    ...(floor?.bin ? [{ name: 'floor', dnsperf: false, mixed: false, loadgen: false, rate: true, port: floorPort, command: [floor.bin, [String(floorPort)]] }] : []),
  ];
  const only = arg('only')?.split(',');
  if (only) servers.splice(0, servers.length, ...servers.filter((s) => only.includes(s.name) || s.name === 'floor'));
  log(`chaindns: the CLI (errors, prometheus, cache, forward), UDP ${defaultUdp} by default, and with -udp dgram; ${pinned ? 'servers on core 0, the load and the upstream on core 1' : 'unpinned'}`);
  log(`${rounds} round(s), each server's best counts; phases: ${[...phases].join(', ')}; load average ${loadAverage()}`);

  const runs = [];
  /** The tables of the miss, TCP and fallback phases. */
  const extra = [];
  const started = async (s) => start(s.name, 0, s.command[0], s.command[1], s.port, root);
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const s of servers) {
        if (phases.has('dnsperf') && s.dnsperf) {
          const child = await started(s);
          try {
            // Fills the caches and warms the JIT; not counted.
            await dnsperf(child, s.port, files.hits, out, smoke ? { runs: 1, verbose: false } : { limit: 1, verbose: false });
            const hit = await dnsperf(child, s.port, files.hits, out, { limit: hitSeconds });
            runs.push({ driver: 'dnsperf', server: s.name, workload: 'cache-hit', round, ...hit });
            log(`round ${round} ${s.name} dnsperf cache-hit: ${hit.qps} QPS, ${hit.cpuUsPerQuery.toFixed(1)} CPU µs/query`);
            if (s.mixed && round === 1) {
              const mixed = await dnsperf(child, s.port, files.mixed, out, { limit: mixedSeconds });
              if (mixed.sent > MIXED_LINES) log(`${s.name} went through the mixed file more than once: its later misses were hits`);
              runs.push({ driver: 'dnsperf', server: s.name, workload: 'mixed', round, ...mixed });
              log(`${s.name} dnsperf mixed: ${mixed.qps} QPS, ${mixed.cpuUsPerQuery.toFixed(1)} CPU µs/query`);
            }
          } finally {
            await stop(child);
          }
        }
        if (phases.has('loadgen') && s.loadgen) {
          const child = await started(s);
          try {
            await loadgen(generator.bin, child, s.port, files.hits, { seconds: 1, window: WINDOW }); // warm-up
            const top = await loadgen(generator.bin, child, s.port, files.hits, { seconds: loadSeconds, window: WINDOW });
            runs.push({ driver: 'loadgen', server: s.name, workload: 'top', round, ...top });
            log(`round ${round} ${s.name} loadgen top: ${top.qps} QPS, server ${(100 * top.serverCpuShare).toFixed(0)}% of a core, ${Math.round(top.qpsPerCore)} QPS per core, p99 ${top.p99Us} µs, lost ${top.lost}`);
          } finally {
            await stop(child);
          }
        }
      }
    }
    if (phases.has('loadgen')) await fixedRate(servers.filter((s) => s.rate), started, generator.bin, files.hits, runs);
    if (phases.has('secure')) {
      const hits = { path: files.hits, lines: readFileSync(files.hits, 'utf8').trim().split('\n') };
      const skipped = await securePhase({ out, cli, upstreamPort, hits, rounds, seconds: smoke ? 1 : 4, root, runs });
      if (skipped) log(`the DNS over TLS and HTTPS phase is skipped: ${skipped}`);
    }
    const named = (s) => ({ ...s, label: s.name === 'chaindns' ? `chaindns (udp ${defaultUdp})` : s.name, start: () => started(s) });
    const peerList = (names, upstream) => {
      const list = [];
      for (const name of names) {
        if (!havePeer(name)) log(`${name} is not installed (apt-get install ${PEER_PACKAGES[name]}): left out`);
        else if (!only || only.includes(name)) {
          // A port free when the peer starts (one chosen minutes before may be taken by then), its config written for it.
          const peer = { name, label: name, port: 0 };
          peer.start = async () => {
            peer.port = await freeDnsPort();
            return start(name, 0, ...peerCommand(name, peer.port, upstream, out), peer.port, root);
          };
          list.push(peer);
        }
      }
      return list;
    };
    const chaindnsOf = (s) => (!only || only.includes(s.name) ? [named(s)] : []);
    if (phases.has('miss')) {
      // A C authoritative upstream, so that the servers' own work is what the run measures.
      const authPort = await freeDnsPort();
      const authority = await start('authority', 1, floor.bin, [String(authPort), '-a'], authPort, root);
      try {
        const [c, d] = [await corefile('miss', authPort), await corefile('miss-dgram', authPort)];
        const missServers = [
          ...chaindnsOf({ name: 'chaindns', port: c.port, command: [process.execPath, [cli, '-conf', c.path, '-quiet']] }),
          ...chaindnsOf({ name: 'chaindns-dgram', port: d.port, command: [process.execPath, [cli, '-conf', d.path, '-quiet', '-udp', 'dgram']] }),
          ...(await peerList(['dnsmasq', 'unbound', 'dnsdist'], authPort)),
        ];
        const rated = missServers.filter((s) => ['chaindns', 'dnsmasq', 'dnsdist'].includes(s.name));
        const result = await missPhase({ servers: missServers, rated, out, generator: generator.bin, rounds: smoke ? 1 : Math.min(rounds, 2), seconds: missSeconds, smoke });
        runs.push(...result.runs);
        extra.push(...result.lines, '');
      } finally {
        await stop(authority);
      }
    }
    if (phases.has('tcp')) {
      const c = servers.find((s) => s.name === 'chaindns');
      const echo = servers.find((s) => s.name === 'echo');
      const tcpServers = [...(c ? [named(c)] : []), ...(await peerList(['unbound', 'dnsmasq'], upstreamPort)), ...(echo ? [named(echo)] : [])];
      const result = await tcpPhase({ servers: tcpServers, out, hits: files.hits, rounds: smoke ? 1 : Math.min(rounds, 2), seconds: missSeconds, tcpgenBin: tcpgen?.bin ?? null });
      runs.push(...result.runs);
      extra.push(...result.lines, '');
    }
    if (phases.has('scale')) {
      const chaindnsWith = async (workers, port) => [process.execPath, [...NODE_ARGS, cli, '-conf', (await corefile(`scale-${workers}`, upstreamPort, port)).path, '-quiet', '-workers', String(workers)]];
      const result = await scalingPhase({ chaindns: chaindnsWith, upstreamPort, out, generator: generator.bin, hits: files.hits, rounds: smoke ? 1 : rounds, seconds: loadSeconds, root, only });
      runs.push(...result.runs);
      extra.push(...result.lines, '');
    }
    if (phases.has('ratio')) {
      const result = await cacheRatioPhase({ cli, out, generator: generator.bin, floor: floor.bin, root, smoke });
      runs.push(...result.runs);
      extra.push(...result.lines, '');
    }
    if (phases.has('handoff')) {
      if (defaultUdp !== 'udp-native') log('the handoff phase needs the native transport (SO_REUSEPORT): skipped');
      else {
        const result = await handoffPhase({ cli, out, generator: generator.bin, floor: floor.bin, smoke });
        runs.push(...result.runs.map((r) => ({ ...r, driver: 'loadgen', server: 'chaindns', workload: `handoff-${r.mode}` })));
        extra.push(...result.lines, '');
      }
    }
    if (phases.has('fallback')) {
      const pair = ['chaindns-dgram', 'echo'].map((n) => servers.find((s) => s.name === n));
      if (pair.every(Boolean)) {
        const result = await fallbackPhase({ pair: pair.map(named), generator: generator.bin, hits: files.hits, smoke });
        runs.push(...result.runs);
        extra.push(...result.lines, '');
      }
    }
    if (phases.has('dashboard')) {
      const startServer = (name, port, path) => start(name, 0, process.execPath, [...NODE_ARGS, cli, '-conf', path, '-quiet'], port, root);
      const result = await dashboardPhase({ out, upstreamPort, generator: generator.bin, hits: files.hits, smoke, startServer, freePort });
      runs.push(...result.runs);
      extra.push(...result.lines, '');
    }
  } finally {
    await stop(upstream);
  }
  const file = phases.has('file') ? await fileBench({ out, smoke, rounds: smoke ? 1 : 2, generatorBin: generator?.bin ?? null }) : null;
  const cluster = phases.has('cluster') ? await clusterBench({ out, smoke, rounds: smoke ? 1 : 2, generatorBin: generator.bin }) : null;
  const summary = report(runs, { defaultUdp, fixedRate: FIXED_RATE });
  const secure = secureReport(runs);
  process.stdout.write(summary.text + '\n' + extra.join('\n') + '\n' + (secure.text ? `\n${secure.text}` : ''));
  if (file) process.stdout.write(file.text);
  if (cluster) process.stdout.write(cluster.text);
  writeFileSync(
    join(out, 'results.json'),
    JSON.stringify({ date: new Date().toISOString(), rounds, hitSeconds, mixedSeconds, loadSeconds, window: WINDOW, fixedRate: FIXED_RATE, fixedRuns: FIXED_RUNS, fixedSeconds, pinned, load: loadAverage(), udp: defaultUdp, ...summary.data, secure: secure.data, runs, file: file?.data ?? null, cluster: cluster?.data ?? null }, null, 2) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});
