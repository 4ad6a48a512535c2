// The `cluster` phase of npm run bench (or `node bench/cluster-answers.js` alone): uncached
// cluster answers. chaindns's kubernetes plugin serves a generated cluster from a manifest
// (errors, prometheus, kubernetes, forward: no cache; `chaindns-bare`, the plugin alone in its
// block) beside NSD and Knot serving the same records from a zone file, at several
// cluster sizes, each server pinned to core 0 and the batched generator (loadgen's closed loop)
// on core 1 asking for random service names (A; one service in ten is headless and answers ten
// records). Per size and server: answers per second and per second of the server's CPU (its
// whole process tree), and the ratio of each size's rate to the smallest size's.
//
// Options: --sizes=100,1000,10000 (services; ENDPOINTS endpoints each)  --endpoints=10
// --rounds=N (2)  --seconds=S (5)  --only=chaindns,chaindns-bare,nsd,knot  --tree=DIR (also the chaindns of
// another checkout, built, as `chaindns-before`: a before and after in the same run)  --smoke
// Results: tables on stdout, bench/out/cluster-results.json.
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authoritativeCommand, AUTHORITATIVE_PACKAGES, haveAuthoritative, pssMb, withTreeCpu } from './authoritative.js';
import { writeManifest, writeServiceQueries, writeZone } from './cluster-records.js';
import { buildTool, loadgen } from './loadgen.js';
import { freeDnsPort, freeTcpPort, loadAverage, log, pinned, start, stop } from './procs.js';
import { arg, flag } from './args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/**
 * The Corefile of chaindns for the cluster in `manifest`: a cluster DNS chain without its cache
 * (errors, prometheus, kubernetes, forward), or with `bare` the kubernetes plugin alone.
 */
function corefile(out, name, manifest, port, metricsPort, upstreamPort, bare) {
  const path = join(out, `Corefile.${name}`);
  const kubernetes = `    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        manifests ${manifest}\n        pods insecure\n        fallthrough in-addr.arpa ip6.arpa\n    }\n`;
  const chain = bare ? kubernetes : `    errors\n    prometheus 127.0.0.1:${metricsPort}\n${kubernetes}    forward . 127.0.0.1:${upstreamPort}\n`;
  writeFileSync(path, `.:${port} {\n    bind 127.0.0.1\n${chain}}\n`);
  return path;
}

/** The files of one cluster size, written once into bench/out/cluster/S-E. */
async function clusterFiles(out, services, endpointsPerService, smoke) {
  const dir = join(out, 'cluster', `${services}-${endpointsPerService}`);
  mkdirSync(dir, { recursive: true });
  const files = { dir, manifest: join(dir, 'cluster.json'), zone: join(dir, 'db.cluster.local'), queries: join(dir, 'queries.txt') };
  if (existsSync(files.queries)) return files;
  const fixtures = await import('@chaindns/kubernetes/testing');
  const shape = { services, endpointsPerService };
  await writeManifest(files.manifest, shape, fixtures);
  await writeZone(files.zone, shape);
  await writeServiceQueries(files.queries, services, smoke ? 1000 : 50_000);
  return files;
}

export async function clusterBench({ out, smoke = false, rounds = 2, seconds = smoke ? 1 : 5, sizes = smoke ? [100, 1000] : [100, 1000, 10_000], endpointsPerService = 10, only = null, tree = null, generatorBin }) {
  const trees = [{ name: 'chaindns', root }, { name: 'chaindns-bare', root, bare: true }, ...(tree ? [{ name: 'chaindns-before', root: resolve(tree) }] : [])];
  const peers = ['nsd', 'knot'].filter((p) => {
    if (haveAuthoritative(p)) return true;
    log(`${p} is not installed (apt-get install ${AUTHORITATIVE_PACKAGES[p]}): left out`);
    return false;
  });
  const wanted = (name) => !only || only.includes(name);
  // Never asked: names of the zone resolve without it; the chain just has one, as a cluster's does.
  const upstreamPort = await freeDnsPort();
  const runs = [];
  log(`cluster: ${sizes.join(', ')} services of ${endpointsPerService} endpoints; ${[...trees.map((t) => t.name), ...peers].filter(wanted).join(', ')}; load average ${loadAverage()}`);
  // Every size's servers first, then the rounds with the sizes taken in turn inside each: every size lives through the same moods of the machine.
  const bySize = [];
  for (const services of sizes) {
    const files = await clusterFiles(out, services, endpointsPerService, smoke);
    // A command for a port: each run takes a port free at its start (a port chosen long before may be taken meanwhile).
    const servers = [];
    for (const t of trees) {
      if (!wanted(t.name)) continue;
      const cli = join(t.root, 'packages/chaindns/dist/src/cli.js');
      servers.push({ name: t.name, command: async (port) => [process.execPath, [cli, '-conf', corefile(out, `cluster-${services}-${t.name}`, files.manifest, port, await freeTcpPort(), upstreamPort, t.bare), '-quiet']] });
    }
    for (const p of peers) {
      if (wanted(p)) servers.push({ name: p, command: async (port) => authoritativeCommand(p, join(files.dir, p), port, 'cluster.local', files.zone) });
    }
    bySize.push({ services, files, servers });
  }
  for (let round = 1; round <= rounds; round++) {
    for (const { services, files, servers } of bySize) {
      for (const s of servers) {
        const port = await freeDnsPort();
        const [cmd, args] = await s.command(port);
        const began = Date.now();
        const child = await start(s.name, 0, cmd, args, port, root, { timeoutMs: 180_000 });
        const upMs = Date.now() - began;
        try {
          // The JIT warmed, and whatever a server builds at a name's first asking built; not counted.
          await loadgen(generatorBin, child, port, files.queries, { seconds: smoke ? 1 : 2, window: 256 });
          const r = await withTreeCpu(child, () => loadgen(generatorBin, child, port, files.queries, { seconds, window: 256 }));
          if (r.errors > 0) throw new Error(`${s.name} answered ${r.errors} of ${r.completed} queries with an error rcode: the records differ`);
          runs.push({ server: s.name, services, endpointsPerService, round, upMs, pssMb: pssMb(child.pid), load: loadAverage(), ...r });
          log(`${services} services, round ${round} ${s.name}: up in ${upMs} ms, ${Math.round(r.qps)} QPS, ${Math.round(r.qpsPerCore)} per server core (${fmt(r.cpuUsPerQuery, 1)} µs), p99 ${r.p99Us} µs, lost ${r.lost}`);
        } finally {
          await stop(child);
        }
      }
    }
  }
  return { text: table(runs, sizes), data: { load: loadAverage(), pinned, endpointsPerService, runs } };
}

function table(runs, sizes) {
  const servers = [...new Set(runs.map((r) => r.server))];
  const best = (server, services) => runs.filter((r) => r.server === server && r.services === services).sort((a, b) => b.qpsPerCore - a.qpsPerCore)[0];
  const lines = ['', `Uncached cluster answers (loadgen, 256 in flight, random service names, A; the best of ${Math.max(...runs.map((r) => r.round))} rounds), QPS per server core:`, ''];
  lines.push(`| server | ${sizes.map((s) => `${s} services`).join(' | ')} | ${sizes.at(-1)} / ${sizes[0]} |`, `|---|${sizes.map(() => '---:|').join('')}---:|`);
  for (const server of servers) {
    const cells = sizes.map((s) => best(server, s));
    const nsd = sizes.map((s) => best('nsd', s));
    lines.push(`| ${server} | ${cells.map((c, i) => (c ? `${fmt(c.qpsPerCore)}${nsd[i] && server !== 'nsd' ? ` (${fmt(c.qpsPerCore / nsd[i].qpsPerCore, 2)}x NSD)` : ''}` : '-')).join(' | ')} | ${cells[0] && cells.at(-1) ? fmt(cells.at(-1).qpsPerCore / cells[0].qpsPerCore, 2) : '-'} |`);
  }
  lines.push('', '| server | services | QPS | server CPU | CPU µs/query | p99 ms | lost | up in | PSS MB |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const server of servers) {
    for (const s of sizes) {
      const b = best(server, s);
      if (b) lines.push(`| ${server} | ${s} | ${fmt(b.qps)} | ${fmt((100 * b.serverCpu) / b.seconds)}% | ${fmt(b.cpuUsPerQuery, 2)} | ${fmt(b.p99Us / 1000, 3)} | ${b.lost} | ${fmt(b.upMs / 1000, 1)} s | ${b.pssMb} |`);
    }
  }
  return lines.join('\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const smoke = flag('smoke');
  const out = join(here, 'out');
  mkdirSync(out, { recursive: true });
  const generator = buildTool(here, out, 'loadgen');
  if (generator.error) throw new Error(generator.error);
  const result = await clusterBench({
    out,
    smoke,
    generatorBin: generator.bin,
    tree: arg('tree') ?? null,
    only: arg('only')?.split(',') ?? null,
    ...(arg('rounds') ? { rounds: Number(arg('rounds')) } : {}),
    ...(arg('seconds') ? { seconds: Number(arg('seconds')) } : {}),
    ...(arg('sizes') ? { sizes: arg('sizes').split(',').map(Number) } : {}),
    ...(arg('endpoints') ? { endpointsPerService: Number(arg('endpoints')) } : {}),
  });
  process.stdout.write(result.text);
  writeFileSync(join(out, 'cluster-results.json'), JSON.stringify({ date: new Date().toISOString(), ...result.data }, null, 2) + '\n');
}
