// npm run bench:workers-memory: what each worker thread of `chaindns -workers N` costs with a
// large cluster. The stand-in API server (bench/cluster.js) holds 10,000 services and 100,000
// endpoints; chaindns runs CoreDNS's default cluster Corefile in-cluster with 1, 2 and 3 workers
// (the image's node flags and C allocator settings); each is measured once /ready says every worker has synced, and again
// after an idle spell; the primary's log says what the index snapshot it shares weighs and took.
// Results: a table on stdout.
//
// Options: --services=N (10000)  --endpoints=N (10 per service)  --idle=S (15)  --workers=1,2,3
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './cluster.js';
import { freeDnsPort, freeTcpPort, log } from './procs.js';
import { rss } from './rss.js';
import { arg } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = Number(arg('services') ?? 10_000);
const ENDPOINTS = Number(arg('endpoints') ?? 10);
const IDLE = Number(arg('idle') ?? 15);
const COUNTS = (arg('workers') ?? '1,2,3').split(',').map(Number);
const cli = join(here, '../packages/chaindns/dist/src/cli.js');
// The image's (deploy/Dockerfile): without MALLOC_ARENA_MAX each worker thread that allocates gets a C allocator arena of its own.
const IMAGE_MALLOC = { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '131072' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function ready(port, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const status = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error('not ready in time');
}

const dir = mkdtempSync(join(tmpdir(), 'chaindns-workers-memory-'));
const cluster = await startCluster({ services: SERVICES, endpointsPerService: ENDPOINTS, dir });
const rows = [];
try {
  log(`workers memory: ${SERVICES} services, ${SERVICES * ENDPOINTS} endpoints`);
  for (const n of COUNTS) {
    const port = await freeDnsPort();
    const readyPort = await freeTcpPort();
    const corefile = join(dir, 'Corefile');
    writeFileSync(corefile, `.:${port} {\n    bind 127.0.0.1\n    errors\n    ready 127.0.0.1:${readyPort}\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        pods insecure\n        fallthrough in-addr.arpa ip6.arpa\n    }\n    cache 30\n    loadbalance\n}\n`);
    const child = spawn(process.execPath, ['--max-semi-space-size=2', cli, '-conf', corefile, '-workers', String(n)], { env: { ...process.env, ...cluster.env, ...IMAGE_MALLOC, CHAINDNS_UDP: 'native' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const started = performance.now();
    await ready(readyPort, 120_000);
    const readyS = (performance.now() - started) / 1000;
    const synced = rss(child.pid).rss;
    await sleep(IDLE * 1000);
    const idle = rss(child.pid).rss;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rows.push({ n, readyS, synced, idle });
    log(`-workers ${n}: ready in ${readyS.toFixed(1)} s, RSS ${synced.toFixed(1)} MB synced, ${idle.toFixed(1)} MB after ${IDLE} s`);
    const shared = /the other workers read this index in shared memory: (.*)/.exec(out);
    if (shared) log(`  snapshot: ${shared[1]}`);
  }
} finally {
  await cluster.api.stop();
  rmSync(dir, { recursive: true, force: true });
}
const one = rows.find((r) => r.n === 1);
console.log('\n| -workers | ready (s) | RSS synced (MB) | RSS idle (MB) | per extra worker, idle (MB) |\n| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.n} | ${r.readyS.toFixed(1)} | ${r.synced.toFixed(1)} | ${r.idle.toFixed(1)} | ${one && r.n > 1 ? ((r.idle - one.idle) / (r.n - 1)).toFixed(1) : ''} |`);
