// The bench's DNS over TLS and DNS over HTTPS phase: chaindns (tls:// and
// https:// keys, the same chain as the UDP bench) beside dnsdist (Debian's,
// addTLSLocal and addDOHLocal with its packet cache), both in front of the
// bench's upstream and answering cache hits, both pinned to core 0.
// Drivers on core 1: dnsperf -m tcp and -m dot (4 connections, 100 queries
// outstanding), and h2load (nghttp2-client) for DoH, GET over 100 names and
// POST of one, 4 connections of 25 streams each. dnsperf 2.10's own DoH mode
// is marked experimental and stops ("frame received when already having a
// dns msg") as soon as two answers arrive in one read, so h2load drives DoH.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dnsperf } from './dnsperf.js';
import { cpuSeconds, freeDnsPort, freeTcpPort, have, log, onCore, start, stop } from './procs.js';
import { queryA } from './wire.js';

const WORKLOADS = ['tcp', 'dot', 'doh-get', 'doh-post'];
const CONNECTIONS = 4;
const STREAMS = 25;

/** dnsdist, h2load and openssl from Debian's packages when missing (as root); the reason to skip otherwise. */
function ensureTools() {
  const needed = [
    ['dnsdist', 'dnsdist'],
    ['h2load', 'nghttp2-client'],
    ['openssl', 'openssl'],
    ['dnsperf', 'dnsperf'],
  ];
  const missing = needed.filter(([cmd]) => !have(cmd));
  if (missing.length === 0) return null;
  if (process.getuid?.() !== 0) return `missing ${missing.map(([c]) => c).join(', ')} (apt-get install ${missing.map(([, p]) => p).join(' ')})`;
  log(`installing ${missing.map(([, p]) => p).join(' ')} with apt-get`);
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing.map(([, p]) => p)], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0 ? null : 'apt-get install failed';
}

/** A self-signed P-256 certificate for 127.0.0.1, both servers serve it. */
function certificate(out) {
  const cert = join(out, 'bench-cert.pem');
  const key = join(out, 'bench-key.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

/** The two servers, each with a plain DNS port (for start's probe and the tcp workload), a DoT and a DoH port. */
async function servers(out, cli, upstreamPort, { cert, key }) {
  const ports = async () => ({ dns: await freeDnsPort(), dot: await freeTcpPort(), doh: await freeTcpPort() });
  const c = await ports();
  const metrics = await freeTcpPort();
  const corefile = join(out, 'Corefile.secure');
  writeFileSync(
    corefile,
    `tls://.:${c.dot} https://.:${c.doh} dns://.:${c.dns} {\n    bind 127.0.0.1\n    tls ${cert} ${key}\n    errors\n    prometheus 127.0.0.1:${metrics}\n    cache\n    forward . 127.0.0.1:${upstreamPort}\n}\n`,
  );
  const d = await ports();
  const conf = join(out, 'dnsdist.conf');
  writeFileSync(
    conf,
    [
      // No security poll: it would ask the internet.
      'setSecurityPollSuffix("")',
      `setLocal("127.0.0.1:${d.dns}")`,
      `addTLSLocal("127.0.0.1:${d.dot}", "${cert}", "${key}")`,
      `addDOHLocal("127.0.0.1:${d.doh}", "${cert}", "${key}", "/dns-query")`,
      `newServer({address="127.0.0.1:${upstreamPort}"})`,
      'pc = newPacketCache(10000)',
      'getPool(""):setCache(pc)',
      '',
    ].join('\n'),
  );
  return [
    { name: 'chaindns', ports: c, command: [process.execPath, [cli, '-conf', corefile, '-quiet']] },
    { name: 'dnsdist', ports: d, command: ['dnsdist', ['--supervised', '--disable-syslog', '-C', conf]] },
  ];
}

/** h2load's GET URIs (one per hot name) and POST body (the first name). */
function h2loadInputs(out, hits, port) {
  const names = hits.map((line) => line.split(' ')[0]);
  const uris = join(out, `doh-get-${port}.txt`);
  writeFileSync(uris, names.map((n) => `https://127.0.0.1:${port}/dns-query?dns=${queryA(n, 0).toString('base64url')}`).join('\n') + '\n');
  const body = join(out, 'doh-post.bin');
  writeFileSync(body, queryA(names[0], 0));
  return { uris, body };
}

/** One h2load run: answers, their rate and mean time, and the server's CPU per answer. */
async function h2load(server, port, inputs, post, seconds) {
  const args = ['-c', String(CONNECTIONS), '-m', String(STREAMS), '-D', String(seconds), ...(post ? ['-d', inputs.body, '-H', 'content-type: application/dns-message', `https://127.0.0.1:${port}/dns-query`] : ['-i', inputs.uris])];
  const [c, a] = onCore(1, 'h2load', args);
  const cpuBefore = cpuSeconds(server.pid);
  const child = spawn(c, a, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const [code] = await once(child, 'exit');
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  if (code !== 0) throw new Error(`h2load exited ${code}: ${stdout}`);
  const done = Number(/^requests: .*?(\d+) succeeded, (\d+) failed/m.exec(stdout)?.[1] ?? 0);
  const failed = Number(/^requests: .*? (\d+) failed/m.exec(stdout)?.[1] ?? 0);
  const ok = Number(/^status codes: (\d+) 2xx/m.exec(stdout)?.[1] ?? 0);
  const mean = /^time for request:\s+\S+\s+\S+\s+(\S+)/m.exec(stdout)?.[1] ?? '';
  const meanMs = mean.endsWith('us') ? Number(mean.slice(0, -2)) / 1000 : mean.endsWith('ms') ? Number(mean.slice(0, -2)) : Number(mean.slice(0, -1)) * 1000;
  return { qps: Math.round(ok / seconds), completed: ok, lost: failed + done - ok, meanMs, cpuUsPerQuery: ok ? (cpu * 1e6) / ok : NaN, serverCpuShare: cpu / seconds };
}

/**
 * The phase: `rounds` rounds, each server started once a round and driven
 * through every workload (one uncounted second, then `seconds`). Pushes its
 * runs (driver `secure`) into `runs`; resolves with null or why it was skipped.
 */
export async function securePhase({ out, cli, upstreamPort, hits, rounds, seconds, root, runs }) {
  const skip = ensureTools();
  if (skip) return skip;
  const cert = certificate(out);
  const list = await servers(out, cli, upstreamPort, cert);
  for (let round = 1; round <= rounds; round++) {
    for (const s of list) {
      const child = await start(s.name, 0, s.command[0], s.command[1], s.ports.dns, root);
      try {
        const inputs = h2loadInputs(out, hits.lines, s.ports.doh);
        for (const workload of WORKLOADS) {
          const measure = (limit) =>
            workload === 'tcp' || workload === 'dot'
              ? dnsperf(child, workload === 'dot' ? s.ports.dot : s.ports.dns, hits.path, out, { limit, mode: workload, clients: CONNECTIONS, verbose: false })
              : h2load(child, s.ports.doh, inputs, workload === 'doh-post', limit);
          await measure(1); // fills the caches, opens the connections' first handshakes, warms the JIT
          const measured = await measure(seconds);
          const r = { serverCpuShare: (measured.cpuUsPerQuery * measured.completed) / 1e6 / seconds, ...measured };
          const perCore = r.cpuUsPerQuery > 0 ? 1e6 / r.cpuUsPerQuery : NaN;
          runs.push({ driver: 'secure', server: s.name, workload, round, ...r, qpsPerCore: perCore });
          log(`round ${round} ${s.name} ${workload}: ${r.qps} QPS, ${Math.round(perCore)} answers per server CPU second, mean ${r.meanMs.toFixed(3)} ms, lost ${r.lost}`);
        }
      } finally {
        await stop(child);
      }
    }
  }
  return null;
}

/** The phase's table: each server's round with the most answers per server CPU second, per workload. */
export function secureReport(runs) {
  const picked = new Map();
  for (const r of runs.filter((x) => x.driver === 'secure')) {
    const key = `${r.server}\t${r.workload}`;
    const b = picked.get(key);
    if (!b || r.qpsPerCore > b.qpsPerCore) picked.set(key, r);
  }
  const rows = [...picked.values()];
  if (rows.length === 0) return { text: '', data: [] };
  const fmt = (n, d) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [
    `DNS over TCP, TLS and HTTPS (cache hits; ${CONNECTIONS} connections, ${STREAMS * CONNECTIONS} queries in flight; the round with the most answers per server CPU second):`,
    '',
    '| server | workload | QPS | server CPU (share of a core) | answers per server CPU second | mean ms | lost |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.server} | ${r.workload} | ${r.qps} | ${fmt(100 * (r.serverCpuShare ?? NaN), 0)}% | ${Math.round(r.qpsPerCore)} | ${fmt(r.meanMs, 3)} | ${r.lost} |`),
    '',
  ];
  for (const w of WORKLOADS) {
    const [c, d] = ['chaindns', 'dnsdist'].map((s) => picked.get(`${s}\t${w}`));
    if (c && d) lines.push(`- ${w}: chaindns/dnsdist answers per server CPU second ${(c.qpsPerCore / d.qpsPerCore).toFixed(2)}`);
  }
  return { text: lines.join('\n') + '\n', data: rows };
}
