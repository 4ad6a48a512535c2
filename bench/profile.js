// Profiles chaindns (the bench's full chain) under the load generator: the
// CLI runs with `node --cpu-prof`, pinned to core 0, the generator's closed
// loop (or a fixed rate: --rate=QPS) drives cache hits for a few seconds from core 1, SIGTERM writes the
// profile, and profile-top.js prints its top functions and areas.
// With --cluster=DIR (a folder bench/cluster-answers.js wrote), the chain is the cluster phase's
// (errors, prometheus, kubernetes from DIR's manifest, forward) and the queries DIR's service names.
// Usage: node bench/profile.js [--udp=dgram] [--seconds=5] [--window=128] [--rate=100000] [--top=30] [--cluster=DIR]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTool, loadgen } from './loadgen.js';
import { freeDnsPort, freeTcpPort, log, run, start, stop } from './procs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const out = join(here, 'out');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const udp = arg('udp', 'auto');
const seconds = Number(arg('seconds', 5));
const window = Number(arg('window', 128));
const rate = Number(arg('rate', 0));

const generator = buildTool(here, out, 'loadgen');
if (generator.error) throw new Error(generator.error);
const cluster = arg('cluster', null);
const hits = cluster ? join(cluster, 'queries.txt') : join(out, 'hits.txt');
if (!cluster) writeFileSync(hits, Array.from({ length: 100 }, (_, i) => `name${i}.bench.example A\n`).join(''));
const dir = join(out, `profile-${udp}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const upstreamPort = await freeDnsPort();
const upstream = await start('upstream', 1, process.execPath, [join(here, 'upstream.js'), String(upstreamPort)], upstreamPort, root);
const [port, metricsPort] = [await freeDnsPort(), await freeTcpPort()];
const corefile = join(out, 'Corefile.profile');
const answering = cluster ? `    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        manifests ${join(cluster, 'cluster.json')}\n        pods insecure\n        fallthrough in-addr.arpa ip6.arpa\n    }\n` : '    cache\n';
writeFileSync(corefile, `.:${port} {\n    bind 127.0.0.1\n    errors\n    prometheus 127.0.0.1:${metricsPort}\n${answering}    forward . 127.0.0.1:${upstreamPort}\n}\n`);
try {
  const cli = join(root, 'packages/chaindns/dist/src/cli.js');
  const server = await start('chaindns', 0, process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, cli, '-conf', corefile, '-quiet', '-udp', udp], port, root);
  try {
    await loadgen(generator.bin, server, port, hits, { seconds: 1, window, rate });
    const r = await loadgen(generator.bin, server, port, hits, { seconds, window, rate });
    log(`udp ${udp}: ${r.qps} QPS, server ${(100 * r.serverCpuShare).toFixed(0)}% of a core, ${Math.round(r.qpsPerCore)} QPS per core, lost ${r.lost}`);
  } finally {
    await stop(server);
  }
} finally {
  await stop(upstream);
}
const [file] = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile in ${dir}`);
log(`profile: ${join(dir, file)}`);
await run(process.execPath, [join(here, 'profile-top.js'), join(dir, file), arg('top', '30'), `--last=${seconds}`], 'inherit');
