// What `pods verified` costs in memory (not a test). Run after a build:
//   node packages/kubernetes/bench/pods.js [pods] [namespaces]
// The stand-in API server (this process) holds PODS running pods (names as a Deployment's,
// one IPv4 address each) in NAMESPACES namespaces, and a service per namespace. A chaindns
// server in a child process watches it, once with `pods disabled` and once with `pods verified`;
// each child reports its RSS, V8 heap and array buffers once synced (after a GC) and again after
// 15 s idle. The difference is what the pod index costs.
// The children run with V8's young generation pinned at 1 MB (--max-semi-space-size=1): left
// free, it grows to 32 MB of RSS in any burst of allocation (the sync of a big list, a load of
// queries) and is given back whenever V8's memory reducer runs, which swings the difference by
// 20 MB or more from run to run. BENCH_NODE_FLAGS replaces those flags (e.g. BENCH_NODE_FLAGS=
// for V8's defaults); BENCH_DEBUG=1 prints the heap spaces and the largest memory mappings.
// The children run with the C allocator's settings of the image (deploy/Dockerfile's ENV:
// MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_, MALLOC_MMAP_THRESHOLD_). Without them glibc keeps the
// freed buffers of the list's pages in its per-thread arenas, a different share in every run:
// that was the spread of the difference (6 to 31 MB, against 2 to 8 MB with them, five runs
// each; V8's heap and array buffers the same to 0.1 MB in every run). BENCH_MALLOC=default runs
// them with glibc's defaults.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { imageRuntime } from '../../../bench/image-runtime.js';

const self = fileURLToPath(import.meta.url);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await parent();

async function parent() {
  const pods = Number(process.argv[2] ?? 150_000);
  const namespaces = Number(process.argv[3] ?? 1_000);
  const { startFakeApiServer, namespace, pod, service } = await import('../dist/src/testing/index.js');
  const api = await startFakeApiServer({ bookmarkIntervalMs: 60_000 });
  for (let n = 0; n < namespaces; n++) {
    api.apply(namespace(`ns-${n}`));
    api.apply(service(`ns-${n}`, 'web', { clusterIP: `10.96.${n >> 8}.${n & 255}`, ports: [{ name: 'http', port: 80 }] }));
  }
  for (let i = 0; i < pods; i++) {
    const ip = `10.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    api.apply(pod(`ns-${i % namespaces}`, `web-7d4b9c8f6d-${i.toString(36).padStart(5, 'x')}`, [ip]));
  }
  api.encodeAll();
  console.log(`stand-in API server: ${pods} pods in ${namespaces} namespaces`);
  const results = {};
  for (const mode of ['disabled', 'verified']) {
    results[mode] = await measure(api.url, mode, pods, namespaces);
    const r = results[mode];
    console.log(
      `pods ${mode}: ready in ${r.readyMs} ms; synced RSS ${mb(r.rss)} MB, heap ${mb(r.heapUsed)} MB; 15 s later RSS ${mb(r.steadyRss)} MB, heap ${mb(r.steadyHeap)} MB, array buffers ${mb(r.steadyBuffers)} MB; ${r.verified} of 1000 sampled pod names verified`,
    );
  }
  const { disabled, verified } = results;
  console.log(
    `pods verified adds: RSS ${mb(verified.steadyRss - disabled.steadyRss)} MB (steady), ${mb(verified.rss - disabled.rss)} MB (synced); heap ${mb(verified.steadyHeap - disabled.steadyHeap)} MB + array buffers ${mb(verified.steadyBuffers - disabled.steadyBuffers)} MB`,
  );
  await api.stop();
}

function measure(url, mode, pods, namespaces) {
  const flags = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=1').split(' ').filter(Boolean);
  const malloc = process.env.BENCH_MALLOC === 'default' ? {} : imageRuntime(fileURLToPath(new URL('../../..', import.meta.url))).env;
  const worker = fork(self, ['--child', url, mode, String(pods), String(namespaces)], { execArgv: ['--expose-gc', ...flags], env: { ...process.env, ...malloc }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let ready;
    worker.on('error', reject);
    worker.on('message', (m) => {
      if (!ready) {
        ready = m;
        // Idle, then ask again: the steady state.
        setTimeout(() => worker.send('measure'), 15_000);
        return;
      }
      worker.kill();
      resolve({ ...ready, steadyRss: m.rss, steadyHeap: m.heapUsed, steadyBuffers: m.arrayBuffers });
    });
  });
}

async function child(url, mode) {
  const [pods, namespaces] = process.argv.slice(5).map(Number);
  const { Server, PluginRegistry, createLogger } = await import('@chaindns/core');
  const { kubernetes } = await import('../dist/src/index.js');
  const corefile = `cluster.local {\n kubernetes {\n  endpoint ${url}\n  pods ${mode}\n  startup_timeout 300s\n }\n}`;
  const started = performance.now();
  const server = new Server({ corefile, plugins: new PluginRegistry(['kubernetes'], [kubernetes]), dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger: createLogger({ quiet: true }) });
  await server.start();
  const readyMs = Math.round(performance.now() - started);
  // A sample of pod names, in process: with `pods verified` each must be found.
  let verified = 0;
  for (let n = 0; n < 1000; n++) {
    const i = Math.floor(Math.random() * pods);
    const reply = await server.query(`10-${128 + (i >> 16)}-${(i >> 8) & 255}-${i & 255}.ns-${i % namespaces}.pod.cluster.local`, 'A');
    if ((reply[3] & 15) === 0 && reply.readUInt16BE(6) > 0) verified++;
  }
  const v8 = await import('node:v8');
  const sample = () => {
    global.gc?.();
    const mem = process.memoryUsage();
    if (process.env.BENCH_DEBUG) {
      console.log(mode, v8.getHeapSpaceStatistics().map((s) => `${s.space_name} ${mb(s.space_size)} used ${mb(s.space_used_size)}`).join(', '));
      const maps = readFileSync('/proc/self/smaps', 'utf8').split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/);
      const big = maps.map((m) => ({ head: m.split('\n')[0], size: Number(/\nSize:\s+(\d+)/.exec(m)?.[1] ?? 0), rss: Number(/\nRss:\s+(\d+)/.exec(m)?.[1] ?? 0) })).filter((m) => m.rss > 2048).sort((a, b) => b.rss - a.rss);
      for (const m of big) console.log(`  ${Math.round(m.rss / 1024)} MB of ${Math.round(m.size / 1024)} MB ${m.head.split(/\s+/).slice(5).join(' ') || 'anon'}`);
    }
    return { rss: mem.rss, heapUsed: mem.heapUsed, arrayBuffers: mem.arrayBuffers };
  };
  process.send({ readyMs, verified, ...sample() });
  process.on('message', () => process.send(sample()));
}
