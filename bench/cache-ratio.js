// The cache-ratio phase of bench/run.js (--phases=ratio): what a cache per worker costs in hit
// ratio. chaindns (errors, prometheus, cache, forward to floor.c -a) with 1, 2 and 4 workers gets the
// same stream of names drawn from a Zipf distribution (50,000 names, exponent 1, the shape DNS
// query logs follow) at a fixed rate from 16 source ports, so every worker sees the whole
// distribution; the hits and misses are read from the process's /metrics (summed over its
// workers): coredns_cache_hits_total and coredns_cache_misses_total.
import { createWriteStream, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { loadgen } from './loadgen.js';
import { freePort, freeTcpPort, log, start, stop } from './procs.js';

/** `lines` queries, name i drawn with probability proportional to 1/i (i from 1 to `names`), from a fixed seed. */
async function zipfFile(out, names, lines) {
  const cumulative = new Float64Array(names);
  let total = 0;
  for (let i = 0; i < names; i++) cumulative[i] = total += 1 / (i + 1);
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const path = join(out, 'zipf.txt');
  const w = createWriteStream(path);
  for (let i = 0; i < lines; i += 10_000) {
    let text = '';
    for (let j = i; j < i + 10_000 && j < lines; j++) {
      const x = random() * total;
      let lo = 0;
      let hi = names - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      text += `z${lo}.bench.example A\n`;
    }
    if (!w.write(text)) await once(w, 'drain');
  }
  w.end();
  await once(w, 'finish');
  return path;
}

/** The sum of a counter's samples in Prometheus text. */
const total = (text, name) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((t, l) => t + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

export async function cacheRatioPhase({ cli, out, generator, floor, root, smoke }) {
  const rate = smoke ? 5000 : 20_000;
  const seconds = smoke ? 2 : 25;
  const file = await zipfFile(out, 50_000, rate * seconds);
  const authPort = await freePort();
  const authority = await start('authority', 1, floor, [String(authPort), '-a'], authPort, root);
  const rows = [];
  try {
    for (const workers of [1, 2, 4]) {
      const [port, metrics] = [await freePort(), await freeTcpPort()];
      const corefile = join(out, `Corefile.ratio-${workers}`);
      writeFileSync(corefile, `.:${port} {\n    bind 127.0.0.1\n    errors\n    prometheus 127.0.0.1:${metrics}\n    cache\n    forward . 127.0.0.1:${authPort}\n}\n`);
      const child = await start(`chaindns -workers ${workers}`, '0,1', process.execPath, [cli, '-conf', corefile, '-quiet', '-workers', String(workers)], port, root);
      try {
        const r = await loadgen(generator, child, port, file, { seconds, rate, sockets: 16, core: null });
        const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
        const [hits, misses] = [total(text, 'coredns_cache_hits_total'), total(text, 'coredns_cache_misses_total')];
        rows.push({ workers, hits, misses, ratio: hits / (hits + misses), answered: r.completed, lost: r.lost });
        log(`-workers ${workers}: ${hits} hits, ${misses} misses, hit ratio ${(100 * hits / (hits + misses)).toFixed(2)}%`);
      } finally {
        await stop(child);
      }
    }
  } finally {
    await stop(authority);
    rmSync(file, { force: true });
  }
  const one = rows.find((r) => r.workers === 1);
  const lines = [
    `Cache hit ratio with a cache per worker (${rate * seconds} queries at ${rate} QPS, names drawn from a Zipf distribution over 50,000 names, exponent 1; cache capacity 9984 answers per worker):`,
    '',
    '| -workers | hits | misses | hit ratio | misses x 1 worker |',
    '|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.workers} | ${r.hits} | ${r.misses} | ${(100 * r.ratio).toFixed(2)}% | ${one ? (r.misses / one.misses).toFixed(2) : ''} |`),
  ];
  return { runs: rows.map((r) => ({ driver: 'loadgen', server: 'chaindns', workload: 'ratio', ...r })), lines };
}
