import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { eventually, present, type Reply, type TestUpstream } from '@chaindns/core/testing';
import { type FakeApiServer, startFakeApiServer } from '@chaindns/kubernetes/testing';

/** Helpers for the tests that run the real `chaindns` binary on shipped Corefiles. */

export const cli = new URL('../src/cli.js', import.meta.url).pathname;
/** The repository root, where `npm start` runs the binary from. */
export const repoRoot = new URL('../../../../', import.meta.url).pathname;

/** Runs the binary to its end: its exit code and output, whatever the code. */
export async function runCli(args: readonly string[], options: { cwd: string; uid?: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  const ids = options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {};
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: options.cwd, ...ids }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
  });
}

export function hasBinary(name: string): boolean {
  try {
    execFileSync('which', [name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * This process's environment for an `npm` or `npx` a test runs, without npm's run-script variables
 * (`npm_*`: they would point it at the package whose tests run, not at its `cwd`) and the
 * variables named in `drop`.
 */
export function npmEnv(...drop: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k) && !drop.includes(k)) env[k] = v;
  return env;
}

/** A temp directory, removed by `remove()`. */
export function tempDir(prefix: string): { path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Chaindns {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Sends SIGTERM (once) and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

/** Variables the shipped Corefiles and the in-cluster config read: a test sets them or leaves them unset. */
const CONFIG_ENV = /^(KUBERNETES_SERVICE_\w+|CHAINDNS_(SERVICEACCOUNT_DIR|HEALTH|READY|METRICS|RESOLV_CONF|BIND))$/;

/**
 * Runs `node [nodeArgs] cli.js ...args` with `env` on top of this process's environment
 * minus the variables the Corefiles and the in-cluster config read (so the
 * host cannot leak into a test; CHAINDNS_UDP passes through), and resolves
 * once it has printed its banner.
 */
export async function startChaindns(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; nodeArgs?: readonly string[] } = {}): Promise<Chaindns> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !CONFIG_ENV.test(k)) env[k] = v;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], { env: { ...env, ...options.env }, cwd: options.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (!/chaindns-\d/.test(out)) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`chaindns exited ${code} before serving:\n${out}`)));
  });
  let stopping: Promise<number | null> | null = null;
  return {
    child,
    output: () => out,
    exited,
    stop: () => {
      if (!stopping) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        stopping = exited;
      }
      return stopping;
    },
  };
}

export interface Named {
  readonly child: ChildProcess;
  output(): string;
  /** SIGHUP: named reads its zone files again (a primary sends NOTIFY for a new serial). */
  reload(): void;
  /** Kills it and waits for its exit. */
  stop(): Promise<void>;
}

/**
 * BIND's named in the foreground on 127.0.0.1:`port`, its files in `dir`, with `statements`
 * (zones, more options) in its named.conf; resolves once its zones are loaded.
 */
export async function startNamed(dir: string, port: number, statements: readonly string[], options: readonly string[] = []): Promise<Named> {
  const conf = join(dir, `named-${port}.conf`);
  const head = [`directory "${dir}";`, `listen-on port ${port} { 127.0.0.1; };`, 'listen-on-v6 { none; };', 'recursion no;', 'dnssec-validation no;', `pid-file "${join(dir, `named-${port}.pid`)}";`];
  writeFileSync(conf, ['options {', ...[...head, ...options].map((o) => `  ${o}`), '};', ...statements, ''].join('\n'));
  const child = spawn('named', ['-g', '-c', conf, '-u', 'root', '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await eventually(() => /all zones loaded/.test(out) || child.exitCode !== null, 20_000, 'named loads its zones');
  if (child.exitCode !== null) throw new Error(`named exited:\n${out}`);
  return {
    child,
    output: () => out,
    reload: () => child.kill('SIGHUP'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface InCluster {
  /** What a pod's environment holds, with the service-account directory moved to a temp dir. */
  readonly env: Record<string, string>;
  readonly api: FakeApiServer;
  stop(): Promise<void>;
}

/**
 * A faked in-cluster environment: a self-signed certificate for 127.0.0.1
 * made with openssl, a service-account dir with `token` and `ca.crt`, and
 * the stand-in API server over HTTPS with that certificate, requiring the
 * token.
 */
export async function startInCluster(): Promise<InCluster> {
  const dir = tempDir('chaindns-incluster-');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', dir.file('server.key'), '-out', dir.file('ca.crt')],
    { stdio: 'ignore' },
  );
  const token = `token-${process.pid}-${Date.now()}`;
  writeFileSync(dir.file('token'), token);
  const api = await startFakeApiServer({ tls: { key: readFileSync(dir.file('server.key')), cert: readFileSync(dir.file('ca.crt')) }, token, bookmarkIntervalMs: 500 });
  return {
    api,
    env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port), CHAINDNS_SERVICEACCOUNT_DIR: dir.path },
    stop: async () => {
      await api.stop();
      dir.remove();
    },
  };
}

/** GET on loopback: the status and body. */
export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: await res.text() };
}

/** The value of a sample of the Prometheus text `metrics`, or undefined; `labels` must all match. */
export function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of metrics.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

/** Asserts that `/ready` on `url` turns 200 `OK`. */
export async function untilReady(url: string, ms = 10_000): Promise<void> {
  await eventually(async () => assert.deepEqual(await httpGet(`${url}/ready`).catch((e: Error) => ({ status: 0, body: e.message })), { status: 200, body: 'OK' }), ms);
}

/** A reply's answer section (or another section) in presentation text, as `present` writes it. */
export function records(reply: Reply, section: 'answers' | 'authorities' = 'answers'): string[] {
  return (reply.packet[section] ?? []).map(present);
}

/** The RDATA of a reply's answers, in order. */
export function rdata(reply: Reply): string[] {
  return records(reply).map((r) => r.split(' ').slice(4).join(' '));
}

/** How many queries for `name` (lowercase, no trailing dot) reached the upstream. */
export function sentTo(upstream: TestUpstream, name: string): number {
  return upstream.received.filter((r) => dnsPacket.decode(r.msg).questions?.[0]?.name.toLowerCase() === name).length;
}

export { eventually };
