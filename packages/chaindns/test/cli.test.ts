import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { dig, eventually, freePort, query } from '@chaindns/core/testing';
import { resolveUdp } from '../src/index.js';
import { npmEnv } from './harness.js';

const cli = new URL('../src/cli.js', import.meta.url).pathname;
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'chaindns-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the binary and resolves once it has printed its banner. */
async function startCli(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('chaindns-')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return child;
}

function stopCli(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const hasDig = existsSync('/usr/bin/dig');

const nativeBuilt = (await resolveUdp('auto')).transport !== undefined;

for (const udp of ['dgram', 'native'] as const) {
test(`dig against chaindns -conf with a whoami Corefile, over UDP (${udp}) and TCP`, { skip: (!hasDig && 'dig is not installed (apt-get install bind9-dnsutils)') || (udp === 'native' && !nativeBuilt && 'the native UDP addon is not built') }, async () => {
  const port = await freePort();
  const conf = join(dir, 'Corefile.whoami');
  writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
  const pidfile = join(dir, 'chaindns.pid');
  const child = await startCli(['-conf', conf, '-pidfile', pidfile, '-udp', udp]);
  try {
    assert.ok(existsSync(pidfile));
    for (const proto of ['+notcp', '+tcp']) {
      const stdout = await dig(port, 'whoami.example.org', proto);
      assert.match(stdout, /status: NOERROR/);
      assert.match(stdout, /flags: qr aa rd;/);
      assert.match(stdout, /ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 3/);
      assert.match(stdout, /^whoami\.example\.org\.\s+0\s+IN\s+A\s+127\.0\.0\.1$/m);
      assert.match(stdout, new RegExp(`^_${proto === '+tcp' ? 'tcp' : 'udp'}\\.whoami\\.example\\.org\\.\\s+0\\s+IN\\s+SRV\\s+0 0 \\d+ \\.$`, 'm'));
    }
    assert.match(await dig(port, 'example.net'), /status: REFUSED/);
  } finally {
    assert.equal(await stopCli(child), 0);
  }
  assert.ok(!existsSync(pidfile), 'the pidfile is removed on exit');
});
}

test('a pid file left by a process that crashed is gone at start: it appears only once the server listens (a readiness probe reads it)', async () => {
  const port = await freePort();
  const api = await freePort(); // nothing listens there: the kubernetes block waits out its startup_timeout
  const conf = join(dir, 'Corefile.slow');
  writeFileSync(conf, `cluster.local:${port} {\n    bind 127.0.0.1\n    kubernetes {\n        endpoint http://127.0.0.1:${api}\n        startup_timeout 2s\n    }\n}\n`);
  const pidfile = join(dir, 'stale.pid');
  writeFileSync(pidfile, '999999\n');
  const child = spawn(process.execPath, [cli, '-conf', conf, '-pidfile', pidfile], { stdio: 'ignore' });
  try {
    await eventually(() => !existsSync(pidfile), 2000, 'the stale pid file removed');
    await eventually(() => existsSync(pidfile), 5000, 'the pid file, once listening');
    await query(port, 'kubernetes.default.svc.cluster.local', 'A');
  } finally {
    assert.equal(await stopCli(child), 0);
  }
});

test('a bad Corefile stops start-up with file:line and a non-zero exit', async (t) => {
  const cases = [
    { name: 'unclosed brace', text: '.:1053 {\n    whoami\n', error: /Corefile\.bad:1: .*unclosed/i },
    { name: 'unknown directive', text: '.:1053 {\n    whoami\n    frobnicate\n}\n', error: /Corefile\.bad:3: unknown directive "frobnicate"; available: .*whoami/ },
    { name: 'bad argument', text: '.:1053 {\n    whoami extra\n}\n', error: /Corefile\.bad:2: whoami: expected 0 arguments, got 1/ },
    { name: 'bad import', text: '.:1053 {\n    import missing.conf\n}\n', error: /Corefile\.bad:2: .*missing\.conf/ },
    { name: 'bad bind', text: '.:1053 {\n    bind 999.0.0.1\n    whoami\n}\n', error: /Corefile\.bad:2: bind: "999\.0\.0\.1" is not an IP address/ },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const conf = join(dir, 'Corefile.bad');
      writeFileSync(conf, c.text);
      const err = await run(process.execPath, [cli, '-conf', conf]).then(
        () => assert.fail('expected a non-zero exit'),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(err.code, 1);
      assert.match(err.stderr, c.error);
    });
  }
});

test('-plugins lists the directives in chain order; -version names the runtime', async () => {
  const plugins = (await run(process.execPath, [cli, '-plugins'])).stdout.trim().split('\n');
  assert.ok(plugins.indexOf('bind') < plugins.indexOf('whoami'));
  const version = (await run(process.execPath, [cli, '--version'])).stdout;
  assert.match(version, /^chaindns-\d+\.\d+\.\d+\n\w+\/\w+, node v\d+\S*, udp (udp-native|dgram)/);
  const forced = (await run(process.execPath, [cli, '-udp', 'dgram', '-version'])).stdout;
  assert.match(forced, /, udp dgram$/m);
  const bad = await run(process.execPath, [cli, '-nosuchflag']).catch((e: { code: number; stderr: string }) => e);
  assert.match((bad as { stderr: string }).stderr, /flag provided but not defined: -nosuchflag/);
});

test("after the README's npm ci and build, `npx chaindns` runs from the repository root", async () => {
  const root = new URL('../../../../', import.meta.url).pathname;
  const env = npmEnv();
  const linked = (await run(join(root, 'node_modules/.bin/chaindns'), ['-version'], { cwd: root, env })).stdout;
  assert.match(linked, /^chaindns-\d+\.\d+\.\d+\n/);
  const npx = (await run('npx', ['--no-install', 'chaindns', '-version'], { cwd: root, env })).stdout;
  assert.equal(npx.split('\n')[0], linked.split('\n')[0]);
});

test('SIGUSR1 reloads the Corefile; a broken edit keeps the old config serving', async () => {
  const port = await freePort();
  const conf = join(dir, 'Corefile.reload');
  writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
  const child = await startCli(['-conf', conf]);
  const ask = async (name: string) => (await query(port, name, 'A')).rcode;
  try {
    assert.equal(await ask('example.org'), 0);
    assert.equal(await ask('example.net'), 5);
    writeFileSync(conf, `example.net:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
    child.kill('SIGUSR1');
    await eventually(async () => (await ask('example.net')) === 0, 3000);
    assert.equal(await ask('example.org'), 5);
    writeFileSync(conf, `example.org:${port} {\n    bind 127.0.0.1\n    whoami\n`);
    child.kill('SIGUSR1');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await ask('example.net'), 0, 'the old config still serves');
  } finally {
    assert.equal(await stopCli(child), 0);
  }
});


test('a port taken for TCP only fails start-up with one error line, not two', async () => {
  const port = await freePort();
  const held = net.createServer();
  await new Promise<void>((resolve) => held.listen(port, '127.0.0.1', resolve));
  try {
    const conf = join(dir, 'Corefile.tcpbusy');
    writeFileSync(conf, `.:${port} {\n    bind 127.0.0.1\n    whoami\n}\n`);
    const err = await run(process.execPath, [cli, '-conf', conf]).then(
      () => assert.fail('expected a non-zero exit'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    const output = err.stdout + err.stderr;
    assert.match(err.stderr, new RegExp(`cannot listen on tcp 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    assert.equal(output.split('EADDRINUSE').length - 1, 1, `printed once:\n${output}`);
  } finally {
    await new Promise((r) => held.close(r));
  }
});
