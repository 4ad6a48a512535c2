// The dashboard phase of bench/run.js (--phases=dashboard): what the `dashboard` plugin costs a
// cache hit. Three chaindns servers on the bench's Corefile (errors, prometheus, cache, forward),
// all up at once (an idle one costs nothing), taken in turn with loadgen's closed loop (256 in
// flight, the 100 hot names):
// - plain: no dashboard;
// - idle: `dashboard` on loopback, nobody watching;
// - watched: the same with one stream open (/api/stream, a frame a second, read as a page reads
//   it: what the server does for an open page; the page's drawing is the browser's).
// The figure is QPS per server core (answers per second of the server's own CPU time), the median
// of the turns (each turn in another order), and its ratio to plain's.
import { get } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadgen } from './loadgen.js';
import { freeTcpPort, log, stop } from './procs.js';

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Opens the dashboard's stream and reads it; returns a function that closes it and says how many frames came. */
function watch(port) {
  let frames = 0;
  const req = get(`http://127.0.0.1:${port}/api/stream`, (res) => {
    res.setEncoding('utf8');
    res.on('data', (d) => (frames += (d.match(/^data: /gm) ?? []).length));
  });
  req.on('error', () => {});
  return () => {
    req.destroy();
    return frames;
  };
}

/**
 * `corefile(name, dashboardLine)` writes a Corefile and returns { port, path }; `start(name, port, path)`
 * starts chaindns on it. Returns the runs and the lines of the table.
 */
export async function dashboardPhase({ out, upstreamPort, generator, hits, smoke, startServer, freePort }) {
  const turns = smoke ? 1 : 6;
  const seconds = smoke ? 1 : 3;
  const servers = [];
  for (const name of ['plain', 'idle', 'watched']) {
    const [port, metrics, http] = [await freePort(), await freeTcpPort(), await freeTcpPort()];
    const path = join(out, `Corefile.dashboard-${name}`);
    const dashboard = name === 'plain' ? '' : `    dashboard 127.0.0.1:${http}\n`;
    writeFileSync(path, `.:${port} {\n    bind 127.0.0.1\n    errors\n    prometheus 127.0.0.1:${metrics}\n${dashboard}    cache\n    forward . 127.0.0.1:${upstreamPort}\n}\n`);
    servers.push({ name, port, http, path });
  }
  const runs = [];
  const children = [];
  let close = null;
  try {
    for (const s of servers) {
      const child = await startServer(`chaindns-dashboard-${s.name}`, s.port, s.path);
      children.push(child);
      await loadgen(generator, child, s.port, hits, { seconds: 1, window: 256 }); // warm-up
    }
    close = watch(servers[2].http);
    for (let round = 1; round <= turns; round++) {
      // Each turn starts with another server, so that none always runs right after another.
      for (const i of servers.map((_, k) => (k + round) % servers.length)) {
        const s = servers[i];
        const r = await loadgen(generator, children[i], s.port, hits, { seconds, window: 256 });
        runs.push({ driver: 'loadgen', server: `chaindns-dashboard-${s.name}`, workload: 'dashboard', round, ...r });
        log(`turn ${round} dashboard ${s.name}: ${Math.round(r.qpsPerCore)} QPS per core, ${Math.round(r.qps)} QPS, p99 ${r.p99Us} µs`);
      }
    }
  } finally {
    const frames = close?.();
    if (frames !== undefined) log(`the watched server sent ${frames} frames`);
    for (const c of children) await stop(c);
  }
  const per = (name) => runs.filter((r) => r.server === `chaindns-dashboard-${name}`);
  const plain = median(per('plain').map((r) => r.qpsPerCore));
  const lines = [
    `The dashboard plugin's cost on cache hits (loadgen, 256 in flight, ${turns} turns of ${seconds} s taken in turn), QPS per server core, median of the turns:`,
    '',
    '| server | QPS per server core | x plain | CPU µs/query | loadgen QPS | p99 µs |',
    '|---|---:|---:|---:|---:|---:|',
    ...['plain', 'idle', 'watched'].map((name) => {
      const rs = per(name);
      const q = median(rs.map((r) => r.qpsPerCore));
      return `| ${name === 'plain' ? 'no dashboard' : name === 'idle' ? 'dashboard, nobody watching' : 'dashboard, one stream open'} | ${fmt(q)} | ${fmt(q / plain, 3)} | ${fmt(1e6 / q, 2)} | ${fmt(median(rs.map((r) => r.qps)))} | ${fmt(median(rs.map((r) => r.p99Us)))} |`;
    }),
  ];
  return { runs, lines };
}
