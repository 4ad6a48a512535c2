// npm run bench: chaindns (cache in front of forward) against dnsmasq, a raw
// Node.js dgram echo (the ceiling) and the dns2 package, driven by dnsperf on
// loopback, each server pinned to core 0 and dnsperf (and the upstream) to
// core 1. `--smoke` runs everything for about a second, to keep this script
// from rotting. Results: the table printed, and bench/out/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import dgram from 'node:dgram';
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { queryA } from './wire.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const out = join(here, 'out');
const smoke = process.argv.includes('--smoke');
/** Seconds of each cache-hit run, and how many rounds of them (the best round counts). */
const hitSeconds = smoke ? 1 : 4;
const rounds = smoke ? 1 : 3;
/** Seconds of the one mixed run of each cache. */
const mixedSeconds = smoke ? 1 : 10;
const HOT_NAMES = 100;
/** One query in ten of the mixed workload is a name never asked before. */
const MISS_EVERY = 10;
/** Lines of the mixed file: more than the fastest server answers in a run, so no name comes round twice. */
const MIXED_LINES = smoke ? 20_000 : 2_000_000;

function log(line) {
  process.stderr.write(`[bench] ${line}\n`);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** dnsperf and dnsmasq from Debian's packages when missing. */
function ensureTools() {
  const missing = [['dnsperf', 'dnsperf'], ['dnsmasq', 'dnsmasq-base']].filter(([cmd]) => !have(cmd));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.map(([c]) => c).join(', ')}: install them (apt-get install ${missing.map(([, p]) => p).join(' ')})`);
  log(`installing ${missing.map(([, p]) => p).join(' ')} with apt-get`);
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing.map(([, p]) => p)]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

const pinned = availableParallelism() >= 2 && have('taskset');
const onCore = (core, cmd, args) => (pinned ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args]);

/** A free UDP port on 127.0.0.1. */
async function freePort() {
  const s = dgram.createSocket('udp4');
  await new Promise((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Starts a process; resolves once a query to `port` is answered. */
async function start(name, core, cmd, args, port) {
  const [c, a] = onCore(core, cmd, args);
  const child = spawn(c, a, { stdio: ['ignore', 'ignore', 'pipe'], cwd: root });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
    if (await answers(port)) return child;
    if (Date.now() > deadline) throw new Error(`${name} did not answer on ${port}: ${stderr}`);
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

async function stop(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await once(child, 'exit');
  clearTimeout(timer);
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

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/**
 * Runs dnsperf against the server `child` listens with on `port`: QPS and the
 * mean latency from dnsperf's summary, p99 from its per-query lines (-v), and
 * the server's CPU time per answered query (steady when the machine is not
 * quiet, where QPS is not).
 */
async function dnsperf(server, port, file, { limit, verbose = true, runs } = {}) {
  const path = join(out, `dnsperf-${port}.txt`);
  const cpuBefore = cpuSeconds(server.pid);
  const fd = openSync(path, 'w');
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, ...(runs ? ['-n', String(runs)] : ['-l', String(limit)]), ...(verbose ? ['-v'] : [])];
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

const cli = join(root, 'packages/chaindns/dist/src/cli.js');

/** The CLI's UDP transport by default (`udp-native` where the addon is built, else `dgram`); throws when it lacks `cache` or `forward`. */
function checkCli() {
  const plugins = spawnSync(process.execPath, [cli, '-plugins'], { encoding: 'utf8' });
  const names = new Set((plugins.stdout ?? '').split(/\s+/));
  if (plugins.status !== 0 || !names.has('cache') || !names.has('forward')) throw new Error(`${cli} does not ship cache and forward: build first (npm run build)`);
  const version = spawnSync(process.execPath, [cli, '-version'], { encoding: 'utf8' }).stdout ?? '';
  return /udp (\S+)/.exec(version)?.[1] ?? 'dgram';
}

async function main() {
  ensureTools();
  if (!pinned) log('fewer than 2 cores or no taskset: running unpinned, the numbers are not comparable');
  const defaultUdp = checkCli();
  const files = await writeQueryFiles();
  const upstreamPort = await freePort();
  const upstream = await start('upstream', 1, process.execPath, [join(here, 'upstream.js'), String(upstreamPort)], upstreamPort);
  const corefile = async (name) => {
    const port = await freePort();
    const path = join(out, `Corefile.${name}`);
    writeFileSync(path, `.:${port} {\n    bind 127.0.0.1\n    cache\n    forward . 127.0.0.1:${upstreamPort}\n}\n`);
    return { port, path };
  };
  const chaindns = await corefile('chaindns');
  const chaindnsDgram = await corefile('dgram');
  const [dnsmasqPort, echoPort, dns2Port] = [await freePort(), await freePort(), await freePort()];
  const servers = [
    // The CLI as shipped: its default UDP transport (the batched native one where the addon is built).
    { name: 'chaindns', mixed: true, port: chaindns.port, command: [process.execPath, [cli, '-conf', chaindns.path, '-quiet']] },
    // Node's dgram, as the echo: the comparison the 0.9x target is about.
    { name: 'chaindns-dgram', mixed: true, port: chaindnsDgram.port, command: [process.execPath, [cli, '-conf', chaindnsDgram.path, '-quiet', '-udp', 'dgram']] },
    {
      name: 'dnsmasq',
      mixed: true,
      port: dnsmasqPort,
      // --conf-file=/dev/null, --no-hosts and an empty --pid-file keep the host's dnsmasq setup out of it.
      command: ['dnsmasq', ['--no-daemon', '--cache-size=1000', '--no-resolv', `--server=127.0.0.1#${upstreamPort}`, `--port=${dnsmasqPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file=']],
    },
    { name: 'echo', mixed: false, port: echoPort, command: [process.execPath, [join(here, 'echo.js'), String(echoPort)]] },
    { name: 'dns2', mixed: false, port: dns2Port, command: [process.execPath, [join(here, 'dns2-server.js'), String(dns2Port)]] },
  ];
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  if (only) servers.splice(0, servers.length, ...servers.filter((s) => only.includes(s.name)));
  log(`chaindns: the CLI, UDP ${defaultUdp} by default, and with -udp dgram; ${pinned ? 'servers on core 0, dnsperf and the upstream on core 1' : 'unpinned'}`);
  log(`cache-hit: ${rounds} round(s) of ${hitSeconds}s per server, the best counts; mixed: one run of ${mixedSeconds}s per cache`);

  const runs = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const s of servers) {
        const [cmd, args] = s.command;
        const child = await start(s.name, 0, cmd, args, s.port);
        try {
          // Fills the caches and warms the JIT; not counted.
          await dnsperf(child, s.port, files.hits, smoke ? { runs: 1, verbose: false } : { limit: 1, verbose: false });
          const hit = await dnsperf(child, s.port, files.hits, { limit: hitSeconds });
          runs.push({ server: s.name, workload: 'cache-hit', round, ...hit });
          log(`round ${round} ${s.name} cache-hit: ${hit.qps} QPS, ${hit.cpuUsPerQuery.toFixed(1)} CPU µs/query`);
          if (s.mixed && round === 1) {
            const mixed = await dnsperf(child, s.port, files.mixed, { limit: mixedSeconds });
            if (mixed.sent > MIXED_LINES) log(`${s.name} went through the mixed file more than once: its later misses were hits`);
            runs.push({ server: s.name, workload: 'mixed', round, ...mixed });
            log(`${s.name} mixed: ${mixed.qps} QPS, ${mixed.cpuUsPerQuery.toFixed(1)} CPU µs/query`);
          }
        } finally {
          await stop(child);
        }
      }
    }
  } finally {
    await stop(upstream);
  }
  report(runs, defaultUdp);
}

/**
 * The table: per server and workload, the round with the best QPS, and the
 * lowest CPU per query of all rounds (a busy machine only ever adds to both).
 */
function report(runs, defaultUdp) {
  const results = [];
  for (const r of runs) {
    const i = results.findIndex((b) => b.server === r.server && b.workload === r.workload);
    if (i < 0) results.push({ ...r });
    else results[i] = { ...(r.qps > results[i].qps ? r : results[i]), cpuUsPerQuery: Math.min(r.cpuUsPerQuery, results[i].cpuUsPerQuery) };
  }
  const get = (server, workload) => results.find((r) => r.server === server && r.workload === workload);
  const fmt = (n, digits) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  const lines = [
    '| server | workload | QPS | mean ms | p99 ms | lost | server CPU µs/query |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.server} | ${r.workload} | ${r.qps} | ${fmt(r.meanMs, 3)} | ${fmt(r.p99Ms, 3)} | ${r.lost} | ${fmt(r.cpuUsPerQuery, 1)} |`),
    '',
  ];
  const ratio = (a, b) => (a && b ? `${(a.qps / b.qps).toFixed(2)} (CPU per query: ${(b.cpuUsPerQuery / a.cpuUsPerQuery).toFixed(2)})` : 'n/a');
  const ratios = {
    [`chaindns (udp ${defaultUdp})/dnsmasq cache-hit`]: ratio(get('chaindns', 'cache-hit'), get('dnsmasq', 'cache-hit')),
    [`chaindns (udp ${defaultUdp})/dnsmasq mixed`]: ratio(get('chaindns', 'mixed'), get('dnsmasq', 'mixed')),
    'chaindns-dgram/dnsmasq cache-hit': ratio(get('chaindns-dgram', 'cache-hit'), get('dnsmasq', 'cache-hit')),
    'chaindns-dgram/dnsmasq mixed': ratio(get('chaindns-dgram', 'mixed'), get('dnsmasq', 'mixed')),
    'chaindns-dgram/echo cache-hit (target >= 0.9)': ratio(get('chaindns-dgram', 'cache-hit'), get('echo', 'cache-hit')),
    [`chaindns (udp ${defaultUdp})/echo cache-hit`]: ratio(get('chaindns', 'cache-hit'), get('echo', 'cache-hit')),
    'chaindns-dgram/dns2 cache-hit (target >= 8)': ratio(get('chaindns-dgram', 'cache-hit'), get('dns2', 'cache-hit')),
    [`chaindns (udp ${defaultUdp})/dns2 cache-hit (target >= 8)`]: ratio(get('chaindns', 'cache-hit'), get('dns2', 'cache-hit')),
  };
  for (const [k, v] of Object.entries(ratios)) lines.push(`- ${k}: ${v}`);
  process.stdout.write(lines.join('\n') + '\n');
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  writeFileSync(join(out, 'results.json'), JSON.stringify({ date: new Date().toISOString(), hitSeconds, rounds, mixedSeconds, pinned, load, udp: defaultUdp, results, ratios, runs }, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});
