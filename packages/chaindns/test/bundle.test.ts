import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { VERSION } from '@chaindns/core';
import { freePort, query } from '@chaindns/core/testing';

const run = promisify(execFile);
// The bundle picks its UDP transport itself (auto): CHAINDNS_UDP=native of a CI pass must not force it,
// and that pass's NODE_OPTIONS preload (@chaindns/udp-native/register) cannot resolve where the bundle runs alone.
const { CHAINDNS_UDP: _forced, NODE_OPTIONS: _preload, ...env } = process.env;
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const script = join(packageDir, 'scripts/bundle.mjs');
const cli = join(packageDir, 'dist/src/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'chaindns-bundle-'));
const built = join(dir, 'built');
/** Holds the bundle's files alone (chaindns.cjs and its chunks): no node_modules here or in any parent, no addon. */
const alone = join(dir, 'alone');
/** The bundle's JavaScript: the entry and the chunks it loads. */
let scripts: string[] = [];
after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  await run(process.execPath, [script, '--outdir', built], { cwd: packageDir });
  for (let d = dir; d !== dirname(d); d = dirname(d)) assert.ok(!existsSync(join(d, 'node_modules')), `${d} has node_modules: the test would not prove the bundle stands alone`);
  scripts = readdirSync(built).filter((f) => f.endsWith('.cjs'));
  copyIn(alone, scripts);
});

function copyIn(to: string, files: readonly string[]): void {
  mkdirSync(to, { recursive: true });
  for (const f of files) copyFileSync(join(built, f), join(to, f));
}

/** Runs the binary `exe` in `cwd` (under `node nodeArgs`) until it prints its banner. */
async function startBundle(exe: string, args: string[], cwd: string, nodeArgs: readonly string[] = []): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, [...nodeArgs, exe, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/, udp \S+\n/.test(out)) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`the bundle exited ${code}: ${out}${err}`)));
  });
  return { child, banner };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

test('the bundle alone runs -version and lists the same plugins as the built CLI', async () => {
  const version = (await run(process.execPath, [join(alone, 'chaindns.cjs'), '-version'], { cwd: alone, env })).stdout;
  assert.match(version, new RegExp(`^chaindns-${VERSION.replaceAll('.', '\\.')}\\n\\w+/\\w+, node v\\d+`));
  // Every plugin the distribution ships made it into the bundle.
  const bundled = (await run(process.execPath, [join(alone, 'chaindns.cjs'), '-plugins'], { cwd: alone, env })).stdout;
  const source = (await run(process.execPath, [cli, '-plugins'])).stdout;
  assert.equal(bundled, source);
  assert.match(bundled, /^whoami$/m);
});

test('the bundle alone runs check and migrate, as the image does (docker run IMAGE check -conf ...)', async () => {
  const exe = join(alone, 'chaindns.cjs');
  const exec = (args: string[]) => run(process.execPath, [exe, ...args], { cwd: alone, env }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );
  writeFileSync(join(alone, 'Corefile.old'), '.:1053 {\n    kubernetes cluster.local {\n        upstream\n    }\n    proxy . /etc/resolv.conf\n    cache 30\n}\n');
  const before = await exec(['check', '-conf', 'Corefile.old', '--json']);
  assert.equal(before.code, 1);
  const report = JSON.parse(before.stdout) as { errors: { message: string; hint?: string }[]; warnings: { message: string }[] };
  assert.match(report.errors[0]!.message, /^Corefile\.old:5: unknown directive "proxy"/);
  assert.match(report.warnings[0]!.message, /^Corefile\.old:3: kubernetes: upstream is no longer supported/);
  assert.equal((await exec(['migrate', 'corefile', '-conf', 'Corefile.old', '-o', 'Corefile.new'])).code, 0);
  assert.deepEqual(await exec(['check', '-conf', 'Corefile.new']), { code: 0, stdout: 'Corefile.new: 0 errors, 0 warnings: chaindns would start\n' });
  writeFileSync(join(alone, 'kube-dns.yaml'), 'kind: ConfigMap\nmetadata:\n  name: kube-dns\ndata:\n  stubDomains: |\n    {"acme.local": ["1.2.3.4"]}\n');
  const kubeDns = await exec(['migrate', 'kube-dns', '--configmap', 'kube-dns.yaml']);
  assert.equal(kubeDns.code, 0);
  assert.match(kubeDns.stdout, /^acme\.local \{\n    errors\n    prometheus :9153\n    forward \. 1\.2\.3\.4$/m);
});

test('the bundle alone serves a whoami Corefile over UDP and TCP, and stops on SIGTERM', async () => {
  const port = await freePort();
  const conf = join(alone, 'Corefile');
  writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
  const { child, banner } = await startBundle(join(alone, 'chaindns.cjs'), ['-conf', conf], alone);
  try {
    assert.match(banner, /, udp dgram\n/, 'without the addon beside it, the bundle uses dgram');
    for (const transport of ['udp', 'tcp'] as const) {
      const reply = await query(port, 'whoami.example.org', 'A', { transport });
      assert.equal(reply.rcode, 0);
      const extra = reply.packet.additionals ?? [];
      const a = extra.find((r) => r.type === 'A');
      assert.equal(a?.name, 'whoami.example.org');
      assert.equal(a.type === 'A' && a.data, '127.0.0.1', 'the A record is the client address');
      assert.ok(extra.some((r) => r.type === 'SRV' && r.name === `_${transport}.whoami.example.org`), `an SRV record names the ${transport} transport`);
    }
    assert.equal((await query(port, 'example.net', 'A')).rcode, 5, 'outside its zones: REFUSED');
  } finally {
    assert.equal(await stop(child), 0);
  }
});

test("the bundle alone serves an etcd Corefile: etcd3's gRPC definitions, which it reads from .proto files, are inside it", async () => {
  const port = await freePort();
  const etcdPort = await freePort();
  const conf = join(alone, 'Corefile');
  writeFileSync(conf, `skydns.local:${port} {\n    bind 127.0.0.1\n    etcd {\n        endpoint http://127.0.0.1:${etcdPort}\n    }\n}\n`);
  const { child } = await startBundle(join(alone, 'chaindns.cjs'), ['-conf', conf], alone);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    // No etcd listens there: the client ran (gRPC's UNAVAILABLE) and the answer is SERVFAIL.
    for (let i = 0; i < 50 && !/plugin\/etcd: cannot read/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /\[ERROR\] plugin\/etcd: cannot read \/skydns from http:\/\/127\.0\.0\.1:\d+: .*UNAVAILABLE/);
    assert.equal((await query(port, 'x.skydns.local', 'A')).rcode, 2);
  } finally {
    assert.equal(await stop(child), 0);
  }
});

test('the bundle alone serves the dashboard page and its uPlot, carried inside its code (no node_modules, no network)', async () => {
  const [port, http] = [await freePort(), await freePort()];
  const conf = join(alone, 'Corefile.dashboard');
  writeFileSync(conf, `.:${port} {\n    bind 127.0.0.1\n    dashboard 127.0.0.1:${http}\n    whoami\n}\n`);
  const { child } = await startBundle(join(alone, 'chaindns.cjs'), ['-conf', conf], alone);
  try {
    const page = await fetch(`http://127.0.0.1:${http}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script src="\/assets\/uPlot\.min\.js"/);
    for (const asset of ['/assets/uPlot.min.js', '/assets/dashboard.js', '/assets/charts.js', '/assets/dashboard.css']) {
      assert.equal((await fetch(`http://127.0.0.1:${http}${asset}`)).status, 200, asset);
    }
  } finally {
    assert.equal(await stop(child), 0);
  }
});

test('a whoami Corefile reads the core of the bundle and a few chunks, none of the Kubernetes client', async () => {
  const port = await freePort();
  const conf = join(alone, 'Corefile');
  writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
  const log = join(dir, 'chunks.log');
  // Writes the files the process required as it exits (the CommonJS loader's cache), through require: see below.
  const probe = `data:text/javascript,import{createRequire}from"node:module";const r=createRequire("/");const{writeFileSync}=r("node:fs");process.on("exit",()=>writeFileSync(${JSON.stringify(log)},Object.keys(r("node:module")._cache).join("\\n")))`;
  const { child } = await startBundle(join(alone, 'chaindns.cjs'), ['-conf', conf], alone, ['--import', probe]);
  try {
    assert.equal((await query(port, 'whoami.example.org', 'A')).rcode, 0);
  } finally {
    assert.equal(await stop(child), 0);
  }
  const read = new Set(readFileSync(log, 'utf8').split('\n').filter((f) => f.startsWith(`${alone}/`)));
  assert.ok(read.has(join(alone, 'chaindns.cjs')), `the probe saw the entry: ${[...read].join(', ')}`);
  const size = (files: Iterable<string>): number => [...files].reduce((sum, f) => sum + statSync(f).size, 0);
  const all = scripts.map((f) => join(alone, f));
  // V8 holds the source of every module it has read: one file of every plugin cost a whoami server 23 MB of RSS.
  assert.ok(size(read) < size(all) / 3, `a whoami server read ${size(read)} of the bundle's ${size(all)} bytes: ${[...read].join(', ')}`);
  for (const f of read) assert.doesNotMatch(readFileSync(f, 'utf8'), /loadFromClusterAndUser/, `${f} holds the Kubernetes client`);
  assert.ok(all.some((f) => /loadFromClusterAndUser/.test(readFileSync(f, 'utf8'))), 'the bundle holds the Kubernetes client in a chunk of its own');
});

test("a node-local cache's start optimizes no function: V8's optimizing compiler and its code stay out of memory until queries need them (3.4 MB)", async () => {
  // From about 30 characters of the bundle's path on, the loader's own path code runs that hot; the image's is /chaindns/.
  const short = mkdtempSync(join(tmpdir(), 'cd'));
  after(() => rmSync(short, { recursive: true, force: true }));
  for (const f of scripts) copyFileSync(join(built, f), join(short, f));
  const conf = join(short, 'Corefile');
  const [dns, metrics, health] = [await freePort(), await freePort(), await freePort()];
  // An upstream that answers every query NXDOMAIN.
  const upstream = createSocket('udp4', (msg, from) => {
    msg[2] = msg[2]! | 0x80;
    msg[3] = (msg[3]! & 0xf0) | 3;
    upstream.send(msg, from.port, from.address);
  });
  await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
  after(() => upstream.close());
  writeFileSync(conf, `.:${dns} {\n    errors\n    cache 30\n    reload\n    loop\n    bind 127.0.0.1\n    forward . 127.0.0.1:${upstream.address().port}\n    prometheus 127.0.0.1:${metrics}\n    health 127.0.0.1:${health}\n}\n`);
  // The bundle once gave each chunk a createRequire and Node's ESM loader resolved each chunk: from
  // some length of the bundle's path, path.resolve's normalizeString ran hot enough to be optimized.
  const { child, banner } = await startBundle(join(short, 'chaindns.cjs'), ['-conf', conf], short, ['--trace-opt']);
  let out = banner;
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    assert.equal((await query(dns, 'example.org', 'A')).rcode, 3);
  } finally {
    assert.equal(await stop(child), 0);
  }
  assert.doesNotMatch(out, /completed optimizing/, out.split('\n').filter((l) => l.includes('optimiz')).join('\n'));
});

test("a node-local cache's Corefile loads none of Node's built-ins it does not call: no import's lazy exports (fs streams, WebCrypto), no worker_threads without -workers", async () => {
  const conf = join(alone, 'Corefile');
  const [dns, metrics, health, upstream] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(conf, `.:${dns} {\n    errors\n    cache 30\n    reload\n    loop\n    bind 127.0.0.1\n    forward . 127.0.0.1:${upstream}\n    prometheus 127.0.0.1:${metrics}\n    health 127.0.0.1:${health}\n}\n`);
  const log = join(dir, 'builtins.log');
  // Writes the built-ins the process loaded as it exits; through require, as an import of node:fs would load its streams itself.
  const probe = `data:text/javascript,import{createRequire}from"node:module";const{writeFileSync}=createRequire("/")("node:fs");process.on("exit",()=>writeFileSync(${JSON.stringify(log)},process.moduleLoadList.join("\\n")))`;
  const { child } = await startBundle(join(alone, 'chaindns.cjs'), ['-conf', conf], alone, ['--import', probe]);
  assert.equal(await stop(child), 0);
  const loaded = readFileSync(log, 'utf8').split('\n');
  assert.ok(loaded.includes('NativeModule internal/crypto/random'), 'the probe read the list after forward loaded node:crypto');
  for (const unused of ['internal/fs/streams', 'internal/crypto/webcrypto', 'worker_threads']) assert.ok(!loaded.includes(`NativeModule ${unused}`), `loaded ${unused}`);
});

test('with its native addon beside it, the bundle picks the same UDP transport as the unbundled binary', async (t) => {
  const addons = readdirSync(built).filter((f) => f.endsWith('.node'));
  if (addons.length === 0) {
    t.skip('the bundle loads no native addon, or @chaindns/udp-native is not built on this machine');
    return;
  }
  const withAddon = join(dir, 'with-addon');
  copyIn(withAddon, [...scripts, ...addons]);
  const transport = async (exe: string): Promise<string> => {
    const port = await freePort();
    const conf = join(withAddon, 'Corefile');
    writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
    const { child, banner } = await startBundle(exe, ['-conf', conf], withAddon);
    try {
      assert.equal((await query(port, 'whoami.example.org', 'A')).rcode, 0);
    } finally {
      assert.equal(await stop(child), 0);
    }
    return /, udp (\S+)\n/.exec(banner)![1]!;
  };
  const unbundled = await transport(cli);
  assert.notEqual(unbundled, 'dgram', 'the unbundled binary loads the addon here');
  assert.equal(await transport(join(withAddon, 'chaindns.cjs')), unbundled);
});

test('with its native addon beside it, the bundle runs -workers 2: its own entry serves as the worker thread', async (t) => {
  const addons = readdirSync(built).filter((f) => f.endsWith('.node'));
  if (addons.length === 0) {
    t.skip('the bundle loads no native addon, or @chaindns/udp-native is not built on this machine');
    return;
  }
  const withAddon = join(dir, 'workers');
  copyIn(withAddon, [...scripts, ...addons]);
  const port = await freePort();
  const conf = join(withAddon, 'Corefile');
  writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
  const { child, banner } = await startBundle(join(withAddon, 'chaindns.cjs'), ['-conf', conf, '-workers', '2'], withAddon);
  try {
    assert.match(banner, /\[INFO\] 2 workers serve/);
    for (let i = 0; i < 16; i++) assert.equal((await query(port, 'whoami.example.org', 'A')).rcode, 0);
  } finally {
    assert.equal(await stop(child), 0);
  }
});

interface CommonJs {
  toCommonJS(code: string, file: string): { code: string; imports: string[] };
  checkAcyclic(graph: Map<string, string[]>): void;
}
const commonJs = async (): Promise<CommonJs> => (await import(join(packageDir, 'scripts/commonjs.mjs'))) as CommonJs;

test("the CommonJS conversion keeps esbuild's imports and exports, and refuses what copies of bindings would break", async () => {
  const { toCommonJS, checkAcyclic } = await commonJs();
  const { code, imports } = toCommonJS('import{a,b as c}from"./x-AAAAAAAA.mjs";import"./y-BBBBBBBB.mjs";function f(){return import("./z-CCCCCCCC.mjs")}var d=a+c;export{d,f as g};', 'm.mjs');
  assert.deepEqual(imports, ['./x-AAAAAAAA.mjs', './y-BBBBBBBB.mjs']);
  const required: string[] = [];
  const module = { exports: {} as Record<string, unknown> };
  const fake = (name: string) => {
    required.push(name);
    return { a: 1, b: 2 };
  };
  new Function('exports', 'require', 'module', '__filename', '__dirname', code)(module.exports, fake, module, '/b/m.cjs', '/b');
  assert.deepEqual(required, ['./x-AAAAAAAA.cjs', './y-BBBBBBBB.cjs']);
  assert.equal(module.exports.d, 3);
  assert.deepEqual(await (module.exports.g as () => Promise<unknown>)(), { a: 1, b: 2 });
  assert.deepEqual(required.at(-1), './z-CCCCCCCC.cjs');
  // An exported binding assigned later, by a function: an importer would keep its first value.
  assert.throws(() => toCommonJS('let n=0;function bump(){n++}export{n,bump};', 'live.mjs'), /live\.mjs: n exported but assigned after the module has run/);
  // The same name as a function's own local is no such binding.
  assert.doesNotThrow(() => toCommonJS('let n=0;function local(){let n=1;n++;return n}export{n,local};', 'shadow.mjs'));
  assert.throws(() => toCommonJS('const x=await Promise.resolve(1);export{x};', 'tla.mjs'), /tla\.mjs: not CommonJS once converted/);
  assert.throws(() => checkAcyclic(new Map([['a.cjs', ['b.cjs']], ['b.cjs', ['c.cjs']], ['c.cjs', ['a.cjs']]])), /chunks import each other: a\.cjs -> b\.cjs -> c\.cjs -> a\.cjs/);
  assert.doesNotThrow(() => checkAcyclic(new Map([['a.cjs', ['b.cjs', 'c.cjs']], ['b.cjs', ['c.cjs']], ['c.cjs', []]])));
});
