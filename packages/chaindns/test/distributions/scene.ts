import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { startFakeApiServer } from '@chaindns/kubernetes/testing';
import { startChaindns, untilReady } from '../harness.js';
import { CHANGE_SECONDS, DISTRIBUTIONS, mismatch, type Query, type SceneResult } from './cases.js';
import { API, clusterObjects, CLUSTER_DNS, POD, RESOLVER } from './world.js';

/**
 * A distribution's pod, built inside the mount, network and PID namespaces
 * distributions.test.ts runs this in (as their first process, so everything
 * started here dies with it): `node scene.js NAME SCRATCH_DIR`.
 *
 * The pod's files are at their real paths in overlays of /etc and /run that
 * only these namespaces see; the in-cluster service account is a tmpfs; the
 * API server runs here, on loopback, over HTTPS; the node's resolver and the
 * cluster DNS run in a second network namespace behind a veth pair. Then
 * the real binary runs the distribution's Corefile, real `dig` asks it and
 * `curl` probes it, and the result goes to stdout as JSON. Exit 77: this
 * machine cannot build the scene (the reason on stderr).
 */

const exec = promisify(execFile);
const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const FIXTURES = new URL('../../../test/fixtures/distributions/', import.meta.url).pathname;
const CANNOT = 77;

function usage(): never {
  throw new Error(`usage: scene.js NAME SCRATCH_DIR (NAME one of ${DISTRIBUTIONS.map((d) => d.name).join(', ')})`);
}
const distribution = DISTRIBUTIONS.find((d) => d.name === process.argv[2]) ?? usage();
const scratch = process.argv[3] ?? usage();

function run(command: string, ...args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Writable views of /etc and /run (where /var/run leads) over the host's, seen only here, their changes kept on a tmpfs. */
function privateFilesystem(): void {
  run('mount', '-t', 'tmpfs', 'tmpfs', scratch);
  for (const dir of ['/etc', realpathSync('/var/run')]) {
    const upper = join(scratch, dir, 'upper');
    const work = join(scratch, dir, 'work');
    mkdirSync(upper, { recursive: true });
    mkdirSync(work, { recursive: true });
    run('mount', '-t', 'overlay', 'overlay', '-o', `lowerdir=${dir},upperdir=${upper},workdir=${work}`, dir);
  }
}

/** The node's network: a namespace behind a veth pair, holding the resolver and the cluster DNS. */
function nodeNetwork(): void {
  run('ip', 'netns', 'add', 'node');
  run('ip', 'link', 'add', 'pod0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'node');
  run('ip', 'addr', 'add', `${POD}/24`, 'dev', 'pod0');
  run('ip', 'link', 'set', 'pod0', 'up');
  run('ip', 'route', 'add', `${CLUSTER_DNS}/32`, 'via', RESOLVER);
  run('ip', '-n', 'node', 'addr', 'add', `${RESOLVER}/24`, 'dev', 'eth0');
  run('ip', '-n', 'node', 'addr', 'add', `${CLUSTER_DNS}/32`, 'dev', 'lo');
  run('ip', '-n', 'node', 'link', 'set', 'lo', 'up');
  run('ip', '-n', 'node', 'link', 'set', 'eth0', 'up');
}

try {
  privateFilesystem();
  nodeNetwork();
} catch (err) {
  process.stderr.write(`cannot build the scene: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim()}\n`);
  process.exit(CANNOT);
}

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  rmSync(path, { force: true });
  writeFileSync(path, text);
}

// The Corefile as the distribution mounts it: the fixture itself, bound read-only at its real path.
put(distribution.conf, '');
run('mount', '--bind', '-o', 'ro', join(FIXTURES, distribution.fixture), distribution.conf);
for (const [path, text] of Object.entries(distribution.files ?? {})) put(path, text);
put('/etc/resolv.conf', `nameserver ${RESOLVER}\n`);

// The in-cluster service account: a token, the API server's CA (its own self-signed certificate) and the namespace.
mkdirSync(SERVICE_ACCOUNT, { recursive: true });
run('mount', '-t', 'tmpfs', 'tmpfs', SERVICE_ACCOUNT);
const key = join(scratch, 'apiserver.key');
run('openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${API.host}`, '-addext', `subjectAltName=IP:${API.host}`, '-keyout', key, '-out', `${SERVICE_ACCOUNT}/ca.crt`);
const token = `token-${process.pid}-${Date.now()}`;
writeFileSync(`${SERVICE_ACCOUNT}/token`, token);
writeFileSync(`${SERVICE_ACCOUNT}/namespace`, 'kube-system');

const api = await startFakeApiServer({ port: API.port, token, tls: { key: readFileSync(key), cert: readFileSync(`${SERVICE_ACCOUNT}/ca.crt`) } });
api.apply(...clusterObjects());

const node = await startNodeSide();
const dns = await startChaindns(['-conf', distribution.conf], { env: { KUBERNETES_SERVICE_HOST: API.host, KUBERNETES_SERVICE_PORT: String(API.port) } });
try {
  const ready = distribution.probes.find((p) => p.url.endsWith('/ready'));
  if (ready) await untilReady(ready.url.replace(/\/ready$/, ''));
  const queries: SceneResult['queries'][number][] = [];
  for (const q of distribution.queries) queries.push(await ask(q));
  const probes: SceneResult['probes'][number][] = [];
  for (const p of distribution.probes) probes.push(await curl(p.url));
  const result: SceneResult = { queries, probes, sent: await node.sent(), log: dns.output() };
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  process.stderr.write(`${(err as Error).stack}\nchaindns:\n${dns.output()}`);
  process.exitCode = 1;
} finally {
  dns.child.kill('SIGKILL');
  await api.stop();
}

/** Asks `q` once or, after its changes reach the API server, until answered as expected (at most CHANGE_SECONDS). */
async function ask(q: Query): Promise<SceneResult['queries'][number]> {
  const once = (): ReturnType<typeof dig> => dig(q.server ?? distribution.server, distribution.port, q.dig);
  if (!q.apply) return once();
  api.apply(...q.apply);
  const deadline = Date.now() + CHANGE_SECONDS * 1000;
  for (;;) {
    const got = await once();
    if (mismatch(q, got) === null || Date.now() > deadline) return got;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Real dig, one try: its output, the status and the answer section (fields one space apart). */
async function dig(server: string, port: number, args: readonly string[]): Promise<SceneResult['queries'][number]> {
  const { stdout } = await exec('dig', [`@${server}`, '-p', String(port), '+tries=1', '+time=3', ...args], { timeout: 10_000 });
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? 'no reply';
  const section = /;; ANSWER SECTION:\n([\s\S]*?)(?:\n\n|$)/.exec(stdout)?.[1] ?? '';
  const answer = section.split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/).join(' '));
  return { output: stdout, status, answer };
}

/** Real curl: the status and the body. */
async function curl(url: string): Promise<SceneResult['probes'][number]> {
  const { stdout } = await exec('curl', ['-s', '--max-time', '3', '-w', '\n%{http_code}', url], { timeout: 10_000 });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** Starts node-side.js in the node's namespace; `sent()` ends it and returns what reached its servers. */
async function startNodeSide(): Promise<{ sent(): Promise<SceneResult['sent']> }> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', 'node', process.execPath, new URL('./node-side.js', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`the node side did not start: ${String(first.value)}`);
  return {
    sent: async () => {
      child.stdin!.end();
      const last = await lines.next();
      return JSON.parse(String(last.value)) as SceneResult['sent'];
    },
  };
}
