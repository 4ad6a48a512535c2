// The `file` phase of npm run bench (or `node bench/file.js [--smoke]
// [--records=N] [--rounds=N]` alone): chaindns's file plugin beside NSD
// (Debian's nsd, run in the foreground on 127.0.0.1 from a generated config),
// both serving one generated zone of a million A records, each pinned to
// core 0 with the load on core 1: the time from start to the first answer
// (the zone load), the memory after it, and dnsperf's and loadgen's rates
// per server core on names that exist and names that do not.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dnsperf } from './dnsperf.js';
import { buildTool, loadgen } from './loadgen.js';
import { authoritativeCommand, haveAuthoritative, pssMb, withTreeCpu } from './authoritative.js';
import { freeDnsPort, loadAverage, log, pinned, start, stop } from './procs.js';
import { arg, flag } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const ORIGIN = 'bench.example';

/** A zone of `records` A records (h0 ... hN-1), written once per size. */
function writeZone(dir, records) {
  const path = join(dir, `db.${ORIGIN}.${records}`);
  if (existsSync(path)) return path;
  const lines = [`$ORIGIN ${ORIGIN}.`, '$TTL 3600', '@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300', '  NS ns1', '  NS ns2', 'ns1 A 127.0.0.1', 'ns2 A 127.0.0.2', 'name0 A 192.0.2.1'];
  for (let i = 0; i < records; i++) lines.push(`h${i} A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** dnsperf query files: names spread over the whole zone, and names it does not hold. */
function writeQueries(dir, records, count) {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const hits = Array.from({ length: count }, () => `h${Math.floor(random() * records)}.${ORIGIN} A`);
  const misses = Array.from({ length: count }, (_, i) => `nx${i}.${ORIGIN} A`);
  writeFileSync(join(dir, 'hits.txt'), hits.join('\n') + '\n');
  writeFileSync(join(dir, 'nx.txt'), misses.join('\n') + '\n');
  return { hits: join(dir, 'hits.txt'), nx: join(dir, 'nx.txt') };
}

export async function fileBench({ out, smoke = false, rounds = 1, records = smoke ? 10_000 : 1_000_000, generatorBin = null } = {}) {
  const dir = join(out, 'file');
  mkdirSync(dir, { recursive: true });
  const zonefile = writeZone(dir, records);
  const files = writeQueries(dir, records, smoke ? 1000 : 100_000);
  const seconds = smoke ? 1 : 5;
  const [chaindnsPort, nsdPort] = [await freeDnsPort(), await freeDnsPort()];
  const servers = [{ name: 'chaindns file', port: chaindnsPort, command: [process.execPath, [join(here, 'file-server.js'), String(chaindnsPort), zonefile, ORIGIN]] }];
  if (haveAuthoritative('nsd')) servers.push({ name: 'nsd', port: nsdPort, command: authoritativeCommand('nsd', dir, nsdPort, ORIGIN, zonefile) });
  else log('nsd is not installed (apt-get install nsd): chaindns runs alone');
  log(`file: a zone of ${records} records (${(statSync(zonefile).size / 1e6).toFixed(0)} MB), ${servers.map((s) => s.name).join(' and ')}; load average ${loadAverage()}`);
  const runs = [];
  for (let round = 1; round <= rounds; round++) {
    for (const s of servers) {
      const began = Date.now();
      const child = await start(s.name, 0, s.command[0], s.command[1], s.port, root, { timeoutMs: 120_000 });
      const loadMs = Date.now() - began;
      const memory = pssMb(child.pid);
      try {
        // The first pass over the names is not counted (chaindns encodes each reply at its first query), nor a first second of NXDOMAIN.
        await dnsperf(child, s.port, files.hits, out, smoke ? { runs: 1, verbose: false } : { limit: 2, verbose: false });
        await dnsperf(child, s.port, files.nx, out, smoke ? { runs: 1, verbose: false } : { limit: 1, verbose: false });
        const hits = await withTreeCpu(child, () => dnsperf(child, s.port, files.hits, out, { limit: seconds }));
        const nx = await withTreeCpu(child, () => dnsperf(child, s.port, files.nx, out, { limit: seconds }));
        const top = generatorBin ? await withTreeCpu(child, () => loadgen(generatorBin, child, s.port, files.hits, { seconds, window: 256 })) : null;
        const run = { server: s.name, round, records, loadMs, pssMbLoaded: memory, pssMbAfter: pssMb(child.pid), hits, nx, top };
        runs.push(run);
        log(`round ${round} ${s.name}: up in ${loadMs} ms, ${memory} MB; dnsperf hits ${hits.qps} QPS (${hits.cpuUsPerQuery.toFixed(1)} CPU µs/query), NXDOMAIN ${nx.qps} QPS (${nx.cpuUsPerQuery.toFixed(1)} µs)${top ? `; loadgen ${top.qps} QPS, ${Math.round(top.qpsPerCore)} per server core, p99 ${top.p99Us} µs, lost ${top.lost}` : ''}`);
      } finally {
        await stop(child);
      }
    }
  }
  return { text: table(runs), data: { records, load: loadAverage(), pinned, runs } };
}

function table(runs) {
  const best = new Map();
  for (const r of runs) {
    const b = best.get(r.server);
    best.set(r.server, !b ? { ...r } : { ...b, loadMs: Math.min(b.loadMs, r.loadMs), hits: r.hits.qps > b.hits.qps ? r.hits : b.hits, nx: r.nx.qps > b.nx.qps ? r.nx : b.nx, top: r.top && (!b.top || r.top.qpsPerCore > b.top.qpsPerCore) ? r.top : b.top });
  }
  const rows = [...best.values()].map((r) =>
    [r.server, `${(r.loadMs / 1000).toFixed(1)} s`, `${r.pssMbLoaded} / ${r.pssMbAfter} MB`, `${r.hits.qps} (${r.hits.cpuUsPerQuery.toFixed(1)} µs)`, `${r.nx.qps} (${r.nx.cpuUsPerQuery.toFixed(1)} µs)`, r.top ? `${Math.round(r.top.qpsPerCore)} (p99 ${r.top.p99Us} µs)` : '-'].join(' | '),
  );
  const records = runs[0]?.records ?? 0;
  return `\nfile: ${records} records, best of ${Math.max(...runs.map((r) => r.round))} round(s)\n| server | start to first answer | memory (PSS) loaded / after | dnsperf hits QPS (server CPU/query) | dnsperf NXDOMAIN QPS | loadgen QPS per server core |\n|---|---|---|---|---|---|\n${rows.map((r) => `| ${r} |`).join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const smoke = flag('smoke');
  const out = join(here, 'out');
  mkdirSync(out, { recursive: true });
  const generator = buildTool(here, out, 'loadgen');
  if (generator.error) log(`${generator.error}: no loadgen runs`);
  const result = await fileBench({ out, smoke, rounds: Number(arg('rounds') ?? 1), ...(arg('records') ? { records: Number(arg('records')) } : {}), generatorBin: generator.bin ?? null });
  process.stdout.write(result.text);
  writeFileSync(join(out, 'file-results.json'), JSON.stringify({ date: new Date().toISOString(), ...result.data }, null, 2) + '\n');
}
