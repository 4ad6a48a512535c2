// npm run bench:flood: the memory of a server under a flood of names it has
// never seen (every query a cache miss), on loopback. For chaindns on both UDP
// transports (`cache 30` in front of `forward`, no prometheus, no log) and
// dnsmasq (--cache-size=10000) forwarding to the same upstream: RSS idle,
// every second of the flood, and after a quiet spell; for chaindns also the
// V8 heap and external memory (bench/mem-probe.js, preloaded).
// Options: --names=N (default 1,000,000), --seconds=S (the flood's bound,
// default 120), --rate=QPS (dnsperf -Q; default none), --idle=S (default 10),
// --only=chaindns,chaindns-dgram,dnsmasq, --node-args="..." (V8 flags for
// chaindns, e.g. --trace-gc; its stdout goes to bench/out/flood-NAME.log),
// --smoke (20,000 names: keeps the script from rotting).
import { once } from 'node:events';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dnsperf } from './dnsperf.js';
import { freeDnsPort, have, loadAverage, log, pinned, start, stop } from './procs.js';
import { rollup, rss } from './rss.js';
import { arg, flag } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const out = join(here, 'out');
const cli = join(root, 'packages/chaindns/dist/src/cli.js');
const smoke = flag('smoke');
const NAMES = Number(arg('names') ?? (smoke ? 20_000 : 1_000_000));
const SECONDS = Number(arg('seconds') ?? (smoke ? 10 : 120));
const RATE = arg('rate') ? Number(arg('rate')) : undefined;
const IDLE = Number(arg('idle') ?? (smoke ? 2 : 10));
const NODE_ARGS = (arg('node-args') ?? '').split(' ').filter(Boolean);
/** What the upstream answers for every name of the flood. */
const ZONE = 'flood.test';

/** One unique name a line, written once per count. */
async function namesFile() {
  mkdirSync(out, { recursive: true });
  const path = join(out, `flood-${NAMES}.txt`);
  if (existsSync(path)) return path;
  const w = createWriteStream(path);
  for (let i = 0; i < NAMES; i += 10_000) {
    let text = '';
    for (let j = i; j < i + 10_000 && j < NAMES; j++) text += `u${j}.${ZONE} A\n`;
    if (!w.write(text)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  return path;
}

/** Samples `pid` every second until `until` resolves; returns the samples. */
async function sampling(pid, until) {
  const samples = [];
  const t0 = Date.now();
  const timer = setInterval(() => samples.push({ s: Math.round((Date.now() - t0) / 1000), ...rss(pid) }), 1000);
  try {
    return { result: await until, samples };
  } finally {
    clearInterval(timer);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last line the probe wrote, or null. */
function lastProbe(path) {
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

async function measure(server, names) {
  const probe = join(out, `flood-${server.name}.probe`);
  rmSync(probe, { force: true });
  const logFd = openSync(join(out, `flood-${server.name}.log`), 'w');
  let child;
  try {
    child = await start(server.name, 0, server.command[0], server.command[1], server.port, root, { env: { ...process.env, FLOOD_PROBE: probe }, stdout: logFd });
  } finally {
    closeSync(logFd);
  }
  try {
    await sleep(2000);
    const idle = { ...rss(child.pid), rollup: rollup(child.pid), probe: lastProbe(probe) };
    log(`${server.name}: idle ${idle.rss.toFixed(1)} MB; flooding with ${NAMES} names (${SECONDS} s at most${RATE ? `, ${RATE} QPS` : ''})`);
    const flood = await sampling(child.pid, dnsperf(child, server.port, names, out, { runs: 1, limit: SECONDS, rate: RATE, verbose: false }));
    const atEnd = { ...rss(child.pid), probe: lastProbe(probe) };
    const quiet = await sampling(child.pid, sleep(IDLE * 1000));
    const after = { ...rss(child.pid), rollup: rollup(child.pid), probe: lastProbe(probe) };
    const peak = Math.max(...flood.samples.map((s) => s.rss), atEnd.rss);
    log(`${server.name}: ${flood.result.completed} answered (${flood.result.qps} QPS, ${flood.result.lost} lost), peak ${peak.toFixed(1)} MB, ${after.rss.toFixed(1)} MB after ${IDLE} s idle`);
    return { name: server.name, idle, peak, atEnd, after, flood: flood.result, samples: flood.samples, quiet: quiet.samples };
  } finally {
    await stop(child);
  }
}

const mb = (n) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(1));

function table(results) {
  const lines = [
    `\nRSS under a flood of ${NAMES} unique names (MB; dnsperf, 100 in flight${RATE ? `, ${RATE} QPS` : ''}, ${SECONDS} s at most; ${IDLE} s idle after)\n`,
    '| server | idle | peak | end of flood | after idle | after - idle | answered | QPS | lost | server CPU µs/query |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.name} | ${mb(r.idle.rss)} | ${mb(r.peak)} | ${mb(r.atEnd.rss)} | ${mb(r.after.rss)} | **${mb(r.after.rss - r.idle.rss)}** | ${r.flood.completed} | ${r.flood.qps} | ${r.flood.lost} | ${r.flood.cpuUsPerQuery.toFixed(1)} |`),
  ];
  const probed = results.filter((r) => r.after.probe);
  if (probed.length) {
    lines.push(
      '\nWhere it is (chaindns; V8 and Node.js, MB): idle / end of flood / after idle\n',
      '| server | RSS | V8 heap (committed) | heap used | young gen (new space) | old space | code | external | array buffers |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const three = (r, f) => [r.idle.probe, r.atEnd.probe, r.after.probe].map((p) => (p ? mb(f(p)) : '-')).join(' / ');
    for (const r of probed) {
      lines.push(
        `| ${r.name} | ${three(r, (p) => p.rss)} | ${three(r, (p) => p.heapTotal)} | ${three(r, (p) => p.heapUsed)} | ${three(r, (p) => p.spaces.new_space?.size)} | ${three(r, (p) => p.spaces.old_space?.size)} | ${three(r, (p) => p.spaces.code_space?.size)} | ${three(r, (p) => p.external)} | ${three(r, (p) => p.arrayBuffers)} |`,
      );
    }
  }
  lines.push('\nRSS each second of the flood (MB):\n');
  for (const r of results) lines.push(`${r.name}: ${r.samples.map((s) => s.rss.toFixed(0)).join(' ')} | idle: ${r.quiet.map((s) => s.rss.toFixed(0)).join(' ')}`);
  return lines.join('\n') + '\n';
}

async function main() {
  for (const cmd of ['dnsperf', 'dnsmasq']) if (!have(cmd)) throw new Error(`${cmd} is missing (apt-get install ${cmd === 'dnsmasq' ? 'dnsmasq-base' : cmd})`);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build)`);
  if (!pinned) log('fewer than 2 cores or no taskset: running unpinned');
  const names = await namesFile();
  // The upstream: dnsmasq answering every name of the zone itself (no cache, TTL 3600), on the load's core.
  const upstreamPort = await freeDnsPort();
  const upstream = await start('upstream', 1, 'dnsmasq', ['--no-daemon', `--address=/${ZONE}/192.0.2.1`, '--cache-size=0', '--local-ttl=3600', '--no-resolv', `--port=${upstreamPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file='], upstreamPort, root);
  const probe = pathToFileURL(join(here, 'mem-probe.js')).href;
  const servers = [];
  for (const [name, udp] of [
    ['chaindns', 'native'],
    ['chaindns-dgram', 'dgram'],
  ]) {
    const port = await freeDnsPort();
    const corefile = join(out, `Corefile.flood-${name}`);
    writeFileSync(corefile, `.:${port} {\n    bind 127.0.0.1\n    errors\n    cache 30\n    forward . 127.0.0.1:${upstreamPort}\n}\n`);
    servers.push({ name, port, command: [process.execPath, [...NODE_ARGS, '--import', probe, cli, '-conf', corefile, '-quiet', '-udp', udp]] });
  }
  const dnsmasqPort = await freeDnsPort();
  servers.push({
    name: 'dnsmasq',
    port: dnsmasqPort,
    command: ['dnsmasq', ['--no-daemon', '--cache-size=10000', '--no-resolv', `--server=127.0.0.1#${upstreamPort}`, `--port=${dnsmasqPort}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--conf-file=/dev/null', '--no-hosts', '--pid-file=']],
  });
  const only = arg('only')?.split(',');
  const chosen = only ? servers.filter((s) => only.includes(s.name)) : servers;
  log(`${NAMES} names, ${pinned ? 'servers on core 0, dnsperf and the upstream on core 1' : 'unpinned'}; load average ${loadAverage()}`);
  const results = [];
  try {
    for (const s of chosen) results.push(await measure(s, names));
  } finally {
    await stop(upstream);
  }
  process.stdout.write(table(results));
  writeFileSync(join(out, 'flood.json'), JSON.stringify({ date: new Date().toISOString(), names: NAMES, seconds: SECONDS, rate: RATE ?? null, idleSeconds: IDLE, nodeArgs: NODE_ARGS, results }, null, 2) + '\n');
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.stack ?? err}\n`);
  process.exit(1);
});
