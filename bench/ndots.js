// What a pod's `options ndots:5` costs, counted with glibc's own resolver, with and without
// `autopath @kubernetes` (not a test). Run as root (it makes its own namespaces) after a build:
//   node bench/ndots.js [--json]
// (--json prints the counts as one JSON line: packages/chaindns/test/autopath.test.ts checks them).
// In a new network and mount namespace (`unshare -n -m`: loopback only, nothing leaves the
// machine), lo gets the cluster DNS address 10.96.0.10 and the client pod's 10.244.0.20, and the
// local route to 10.96.0.10 takes 10.244.0.20 as its source, so a query to the server comes from
// the pod (`dnsutils` in examples/cluster.yaml). The real chaindns binary serves
// examples/cluster.yaml (`kubernetes` with `manifests` and `pods verified`) on 10.96.0.10:53,
// forwards other names to a stand-in authoritative server on 127.0.0.1 (www.example.com A), and
// logs every query (`log`). Each lookup runs `getent ahosts NAME` in a further mount namespace where
// a pod's resolv.conf is bind-mounted on /etc/resolv.conf:
//   search default.svc.cluster.local svc.cluster.local cluster.local / nameserver 10.96.0.10 / options ndots:5
// and the queries it sent are the server's log lines from 10.244.0.20. The server itself reads a
// node's resolv.conf with no search domain (the host search `autopath @kubernetes` appends).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/chaindns/dist/src/cli.js');
const SERVER = '10.96.0.10';
const POD = '10.244.0.20';
const POD6 = 'fd00:10:244::20';
const POD_RESOLV_CONF = `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${SERVER}\noptions ndots:5\n`;
/** A short service name, one in another namespace, and an external name. */
const NAMES = [
  { name: 'nginx', address: '10.109.102.230' },
  { name: 'kube-dns.kube-system', address: '10.96.0.10' },
  { name: 'www.example.com', address: '192.0.2.80' },
];
const json = process.argv.includes('--json');

if (process.argv.includes('--in-namespace')) await measure();
else {
  const run = spawnSync('unshare', ['-n', '-m', '--propagation', 'private', process.execPath, self, '--in-namespace', ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.error) throw run.error;
  process.exit(run.status ?? 1);
}

function sh(cmd, ...args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

async function measure() {
  sh('ip', 'link', 'set', 'lo', 'up');
  sh('ip', 'addr', 'add', `${SERVER}/32`, 'dev', 'lo');
  sh('ip', 'addr', 'add', `${POD}/32`, 'dev', 'lo');
  // Both addresses are local; by default a packet to one leaves from that same address.
  sh('ip', 'route', 'replace', 'table', 'local', 'local', SERVER, 'dev', 'lo', 'proto', 'kernel', 'scope', 'host', 'src', POD);
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-ndots-'));
  const { startTestUpstream } = await import('@chaindns/core/testing');
  const upstream = await startTestUpstream({ records: ['www.example.com. 300 IN A 192.0.2.80'] });
  const results = [];
  try {
    writeFileSync(join(dir, 'node-resolv.conf'), 'nameserver 127.0.0.1\n');
    writeFileSync(join(dir, 'pod-resolv.conf'), POD_RESOLV_CONF);
    sh('mount', '--bind', join(dir, 'node-resolv.conf'), '/etc/resolv.conf');
    for (const [stack, autopath] of [['IPv4', false], ['IPv4', true], ['dual', false], ['dual', true]]) {
      // An IPv6 address (not loopback) makes getaddrinfo's AI_ADDRCONFIG ask AAAA too, as in a dual-stack pod.
      if (stack === 'dual' && !autopath) sh('ip', 'addr', 'add', `${POD6}/128`, 'dev', 'lo');
      const corefile = join(dir, 'Corefile');
      writeFileSync(
        corefile,
        `.:53 {\n    bind ${SERVER}\n    log\n    errors\n${autopath ? '    autopath @kubernetes\n' : ''}    kubernetes cluster.local in-addr.arpa ip6.arpa {\n        manifests ${join(root, 'examples/cluster.yaml')}\n        pods verified\n        fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . 127.0.0.1:${upstream.port}\n    cache 30\n}\n`,
      );
      const server = await startServer(corefile);
      try {
        for (const { name, address } of NAMES) {
          const before = server.lines().length;
          // Not spawnSync: the stand-in upstream answers from this process's event loop.
          const out = await getent(join(dir, 'pod-resolv.conf'), name);
          if (!out.split('\n').some((l) => l.startsWith(`${address} `))) throw new Error(`getent ahosts ${name} did not give ${address}:\n${out}`);
          const queries = await settle(() => server.lines().slice(before).filter((l) => l.includes(` ${POD}:`)));
          results.push({ stack, autopath, name, queries: queries.length, asked: queries.map(describe) });
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await upstream.stop();
    spawnSync('umount', ['/etc/resolv.conf']);
    rmSync(dir, { recursive: true, force: true });
  }
  report(results);
}

/** The chaindns binary on `corefile`, once it answers; its log lines as they come. */
async function startServer(corefile) {
  const child = spawn(process.execPath, [cli, '-conf', corefile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 20_000;
  while (!/chaindns-\d/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`chaindns did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    lines: () => out.split('\n').filter((l) => l.startsWith('[INFO] ')),
    stop: () => (child.kill('SIGTERM'), exited),
  };
}

/** `getent ahosts NAME` with the pod's resolv.conf, in a mount namespace of its own. */
function getent(resolvConf, name) {
  const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" /etc/resolv.conf && exec getent ahosts "$2"', 'sh', resolvConf, name], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`getent ahosts ${name} exited ${code}: ${out}`))));
  });
}

/** Waits until `read` has given the same number of lines for 300 ms (the log is written asynchronously). */
async function settle(read) {
  let last = read();
  for (let stable = 0; stable < 6; stable++) {
    await new Promise((r) => setTimeout(r, 50));
    const now = read();
    if (now.length !== last.length) stable = -1;
    last = now;
  }
  return last;
}

/** `A nginx.default.svc.cluster.local. NOERROR` from a Common Log Format line. */
function describe(line) {
  const m = /"(\S+) IN (\S+) \S+ .*" (\S+) /.exec(line);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : line;
}

function report(results) {
  if (json) {
    console.log(JSON.stringify(results));
    return;
  }
  const count = (stack, autopath, name) => results.find((r) => r.stack === stack && r.autopath === autopath && r.name === name).queries;
  console.log('Queries per lookup (`getent ahosts NAME`, glibc, ndots:5, a client pod in `default`):\n');
  console.log('| name | IPv4 pod (A) | with autopath | dual-stack pod (A and AAAA) | with autopath |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const { name } of NAMES) console.log(`| \`${name}\` | ${count('IPv4', false, name)} | ${count('IPv4', true, name)} | ${count('dual', false, name)} | ${count('dual', true, name)} |`);
  for (const r of results) console.log(`\n${r.name}, ${r.stack === 'dual' ? 'dual-stack' : 'IPv4'} pod, ${r.autopath ? 'with' : 'without'} autopath:\n  ${r.asked.join('\n  ')}`);
}
