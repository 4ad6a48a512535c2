// node bench/dnstap.js (after npm run build): what dnstap costs a query. The CLI with the bench's
// chain (errors, prometheus and cache in front of forward), without dnstap,
// with `dnstap unix://SOCK` and with `dnstap unix://SOCK full`, each tapping
// into Debian's fstrm_capture (writing to /dev/null), taken in turn, round
// after round; dnsperf sends cache hits (two messages a query: CQ, CR) and
// then misses through forward (four: CQ, FQ, FR, CR), each at a fixed rate
// (the CPU a query costs depends on the rate: batches grow with it), below
// what every variant reaches on a shared machine. The figure is the server's
// CPU time per answered query; the run also says how many messages were
// dropped (none, when the receiver keeps up).
// Usage: node bench/dnstap.js [--rounds=3] [--seconds=5] [--hit-rate=40000] [--miss-rate=8000]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dnsperf } from './dnsperf.js';
import { freePort, freeTcpPort, have, log, onCore, pinned, start, stop } from './procs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const out = join(here, 'out', 'dnstap');
const cli = join(root, 'packages/chaindns/dist/src/cli.js');
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const ROUNDS = Number(arg('rounds', 3));
const SECONDS = Number(arg('seconds', 5));
const HIT_RATE = Number(arg('hit-rate', 40_000));
const MISS_RATE = Number(arg('miss-rate', 8000));

for (const tool of ['dnsperf', 'fstrm_capture']) if (!have(tool)) throw new Error(`${tool} is missing: apt-get install ${tool === 'dnsperf' ? 'dnsperf' : 'fstrm-bin'}`);
if (!pinned) log('fewer than 2 cores or no taskset: running unpinned');
mkdirSync(out, { recursive: true });
const hits = join(out, 'hits.txt');
writeFileSync(hits, Array.from({ length: 100 }, (_, i) => `name${i}.bench.example A\n`).join(''));
const sock = join(out, 'tap.sock');

const upstreamPort = await freePort();
const upstream = await start('upstream', 1, process.execPath, [join(here, 'upstream.js'), String(upstreamPort)], upstreamPort, root);
const [c, a] = onCore(1, 'fstrm_capture', ['-t', 'protobuf:dnstap.Dnstap', '-u', sock, '-w', '/dev/null']);
const capture = spawn(c, a, { stdio: 'ignore' });

const variants = [
  { name: 'without dnstap', line: '' },
  { name: 'dnstap', line: `    dnstap unix://${sock}\n` },
  { name: 'dnstap full', line: `    dnstap unix://${sock} full\n` },
];
const results = new Map(variants.map((v) => [v.name, { hit: [], miss: [], dropped: 0 }]));
let missRound = 0;
try {
  await new Promise((r) => setTimeout(r, 500));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of variants) {
      const port = await freePort();
      const conf = join(out, 'Corefile');
      writeFileSync(conf, `.:${port} {\n    bind 127.0.0.1\n    errors\n    prometheus 127.0.0.1:${await freeTcpPort()}\n${v.line}    cache\n    forward . 127.0.0.1:${upstreamPort}\n}\n`);
      const server = await start('chaindns', 0, process.execPath, [cli, '-conf', conf], port, root);
      let stderr = '';
      server.stderr.on('data', (d) => (stderr += d));
      try {
        await dnsperf(server, port, hits, out, { limit: 1, verbose: false }); // warm: every name cached
        const hit = await dnsperf(server, port, hits, out, { limit: SECONDS, verbose: false, rate: HIT_RATE });
        // Names never asked before, a new set each round: every query a miss through forward.
        const misses = join(out, 'misses.txt');
        writeFileSync(misses, Array.from({ length: 400_000 }, (_, i) => `m${missRound}-${i}.bench.example A\n`).join(''));
        missRound++;
        const miss = await dnsperf(server, port, misses, out, { limit: SECONDS, verbose: false, runs: 1, rate: MISS_RATE });
        const r = results.get(v.name);
        r.hit.push(hit);
        r.miss.push(miss);
        log(`round ${round} ${v.name}: hits ${hit.qps} QPS, ${hit.cpuUsPerQuery.toFixed(2)} µs CPU a query; misses ${miss.qps} QPS, ${miss.cpuUsPerQuery.toFixed(2)} µs`);
      } finally {
        await stop(server);
        for (const m of stderr.matchAll(/Dropped dnstap messages: (\d+)/g)) results.get(v.name).dropped += Number(m[1]);
      }
    }
  }
} finally {
  capture.kill('SIGTERM');
  await once(capture, 'exit');
  await stop(upstream);
}

// Each variant's best round (the machine is shared: others only ever slow it).
const best = (runs) => runs.reduce((b, r) => (r.cpuUsPerQuery < b.cpuUsPerQuery ? r : b));
const base = results.get('without dnstap');
console.log(`| chain | hits at ${HIT_RATE} QPS: µs CPU/query | + dnstap | answered QPS | misses at ${MISS_RATE} QPS: µs CPU/query | + dnstap | answered QPS | messages dropped |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, r] of results) {
  const [h, m] = [best(r.hit), best(r.miss)];
  const dh = h.cpuUsPerQuery - best(base.hit).cpuUsPerQuery;
  const dm = m.cpuUsPerQuery - best(base.miss).cpuUsPerQuery;
  console.log(`| ${name} | ${h.cpuUsPerQuery.toFixed(2)} | ${r === base ? '' : dh.toFixed(2)} | ${h.qps} | ${m.cpuUsPerQuery.toFixed(2)} | ${r === base ? '' : dm.toFixed(2)} | ${m.qps} | ${r.dropped} |`);
}
