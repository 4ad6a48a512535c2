// Scale bench for the kubernetes plugin (not a test). Run after a build:
//   node --expose-gc packages/kubernetes/bench/scale.js [services] [endpointsPerService] [seconds]
// The stand-in API server (this process) holds SERVICES services with ENDPOINTS endpoints each;
// a chaindns server in a child process watches it. Reports the time from start to ready (the
// first sync), the child's RSS once synced (after a GC) and after the load, and the answer rate
// for random service names over UDP on loopback (dnsperf when installed, else a bounded JS loop).
// BENCH_DEBUG=1 prints the child's heap spaces; BENCH_NODE_FLAGS passes flags to the child's node;
// BENCH_TOOL=js uses the JS loop even when dnsperf is there.
import { execFileSync, fork } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

if (process.argv[2] === '--child') await child(process.argv[3]);
else await parent();

async function parent() {
  const services = Number(process.argv[2] ?? 10_000);
  const perService = Number(process.argv[3] ?? 10);
  const seconds = Number(process.argv[4] ?? 10);
  const namespaces = Math.max(1, Math.round(services / 100));
  const { startFakeApiServer, endpointSlice, namespace, service } = await import('../dist/src/testing/index.js');

  const api = await startFakeApiServer({ bookmarkIntervalMs: 60_000 });
  for (let n = 0; n < namespaces; n++) api.apply(namespace(`ns-${n}`));
  for (let i = 0; i < services; i++) {
    const ns = `ns-${i % namespaces}`;
    const name = `svc-${i}`;
    const headless = i % 10 === 0;
    const ip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    api.apply(service(ns, name, { clusterIP: headless ? 'None' : ip, ports: [{ name: 'http', port: 80 }] }));
    const endpoints = [];
    for (let e = 0; e < perService; e++) {
      const k = i * perService + e;
      endpoints.push({ ip: `100.${64 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`, pod: `${name}-7d4b9c8f6d-${k.toString(36).padStart(5, 'x')}`, node: `node-${k % 100}` });
    }
    api.apply(endpointSlice(ns, `${name}-${i.toString(36)}`, name, { endpoints, ports: [{ name: 'http', port: 80 }] }));
  }
  api.encodeAll();
  console.log(`stand-in API server: ${services} services, ${services * perService} endpoints in ${services} EndpointSlices, ${namespaces} namespaces`);

  const flags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  const worker = fork(self, ['--child', api.url, String(services), String(namespaces)], { execArgv: ['--expose-gc', ...flags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages = [];
  const waiters = [];
  worker.on('message', (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
  const next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r)));

  const ready = await next();
  console.log(`child before the plugin: RSS ${mb(ready.baseRss)} MB`);
  console.log(`time to ready: ${ready.readyMs} ms (${ready.resolved}/1000 sampled service names resolve)`);
  console.log(`RSS once synced (after GC): ${mb(ready.rss)} MB, heap used ${mb(ready.heapUsed)} MB`);

  const names = [];
  for (let i = 0; i < 50_000; i++) {
    const s = Math.floor(Math.random() * services);
    names.push(`svc-${s}.ns-${s % namespaces}.svc.cluster.local`);
  }
  // V8's memory reducer gives back the heap the sync grew once the process has been idle a few seconds.
  await new Promise((r) => setTimeout(r, 15_000));
  worker.send('measure');
  const steady = await next();
  console.log(`RSS 15 s after ready (steady state): ${mb(steady.rss)} MB`);
  const qps = hasDnsperf() && process.env.BENCH_TOOL !== 'js' ? dnsperf(ready.port, names, seconds) : await jsLoad(ready.port, names, seconds);
  worker.send('measure');
  const after = await next();
  const pods = services * perService;
  const sizing = (pods + services) / 1000 + 54;
  console.log(`answer rate: ${Math.round(qps.rate)} queries/s for random service names over UDP (${qps.tool}, ${seconds}s, ${qps.lost} lost)`);
  console.log(`RSS after the load: ${mb(after.rss)} MB`);
  console.log(`CoreDNS sizing (pods + services)/1000 + 54 MB = ${sizing} MB`);
  worker.kill();
  await api.stop();
}

function hasDnsperf() {
  try {
    execFileSync('dnsperf', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    return err.status !== undefined && err.code !== 'ENOENT';
  }
}

function dnsperf(port, names, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-k8s-bench-'));
  try {
    const file = join(dir, 'queries.txt');
    writeFileSync(file, names.map((n) => `${n} A`).join('\n'));
    const out = execFileSync('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '4', '-q', '200'], { encoding: 'utf8' });
    const rate = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
    const lost = /Queries lost:\s+(\d+)/.exec(out)?.[1] ?? '?';
    const nx = /NXDOMAIN (\d+)/.exec(out)?.[1];
    if (nx) throw new Error(`dnsperf saw ${nx} NXDOMAIN answers: the index is incomplete`);
    return { rate, lost, tool: 'dnsperf -c 4 -q 200' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A bounded JS load: `window` queries in flight on one socket, for `seconds`. */
async function jsLoad(port, names, seconds) {
  const { buildQuery } = await import('@chaindns/core');
  const socket = dgram.createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  let answered = 0;
  let sent = 0;
  const end = Date.now() + seconds * 1000;
  const send = () => socket.send(buildQuery(names[sent++ % names.length], 1, { id: sent & 0xffff }), port, '127.0.0.1');
  await new Promise((resolve) => {
    socket.on('message', () => {
      answered++;
      if (Date.now() < end) send();
      else if (answered >= sent - 200) resolve();
    });
    for (let i = 0; i < 100; i++) send();
    setTimeout(resolve, seconds * 1000 + 2000);
  });
  socket.close();
  return { rate: answered / seconds, lost: sent - answered, tool: 'JS loop, 100 in flight' };
}

async function child(apiUrl) {
  const [services, namespaces] = process.argv.slice(4).map(Number);
  const { Server, PluginRegistry, createLogger } = await import('@chaindns/core');
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  const started = performance.now();
  const { kubernetes } = await import('../dist/src/index.js');
  const corefile = `cluster.local in-addr.arpa {\n kubernetes {\n  endpoint ${apiUrl}\n  startup_timeout 300s\n }\n}`;
  const server = new Server({ corefile, plugins: new PluginRegistry(['kubernetes'], [kubernetes]), dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger: createLogger({ quiet: true }) });
  await server.start();
  const readyMs = Math.round(performance.now() - started);
  // A sample of names, in process: all must resolve.
  let resolved = 0;
  for (let n = 0; n < 1000; n++) {
    const i = Math.floor(Math.random() * services);
    const reply = await server.query(`svc-${i}.ns-${i % namespaces}.svc.cluster.local`, 'A');
    if ((reply[3] & 15) === 0 && reply.readUInt16BE(6) > 0) resolved++;
  }
  global.gc?.();
  const mem = process.memoryUsage();
  if (process.env.BENCH_DEBUG) {
    const v8 = await import('node:v8');
    console.log(mem, v8.getHeapSpaceStatistics().map((s) => `${s.space_name} ${mb(s.space_size)} used ${mb(s.space_used_size)}`).join('\n'));
  }
  process.send({ port: server.addresses()[0].port, readyMs, baseRss, rss: mem.rss, heapUsed: mem.heapUsed, resolved });
  process.on('message', () => {
    global.gc?.();
    process.send({ rss: process.memoryUsage().rss });
  });
}
