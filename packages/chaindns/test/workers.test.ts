import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { dgramSharesPorts } from '@chaindns/core';
import { type Snapshot, TYPES } from '@chaindns/dashboard';
import { eventually, freePort, query } from '@chaindns/core/testing';
import { type Chaindns, httpGet, runCli, sample, startChaindns, tempDir } from './harness.js';

// The binary with -workers N: real processes, real sockets, a third-party plugin
// (test/worker-id.ts, installed as chaindns-plugin-workerid) that says which thread answered.

interface Setup {
  readonly dir: ReturnType<typeof tempDir>;
  readonly port: number;
  /** The ports of ready, health and prometheus. */
  readonly http: number;
  readonly health: number;
  readonly metrics: number;
  writeCorefile(label?: string, extra?: string): void;
}

/** A directory with chaindns-plugin-workerid installed and a Corefile on a free port. */
async function setup(): Promise<Setup> {
  const dir = tempDir('chaindns-workers-');
  const pkg = dir.file('node_modules/chaindns-plugin-workerid');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(`${pkg}/package.json`, JSON.stringify({ name: 'chaindns-plugin-workerid', type: 'module', main: 'index.js' }));
  writeFileSync(`${pkg}/index.js`, `export { default } from ${JSON.stringify(new URL('./worker-id.js', import.meta.url).href)};\n`);
  const [port, http, health, metrics] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const writeCorefile = (label = '', extra = ''): void =>
    writeFileSync(
      dir.file('Corefile'),
      `.:${port} {\n  bind 127.0.0.1\n  ready 127.0.0.1:${http}\n  health 127.0.0.1:${health}\n  prometheus 127.0.0.1:${metrics}\n${extra}  workerid ${label}\n}\n`,
    );
  writeCorefile();
  return { dir, port, http, health, metrics, writeCorefile };
}

/** Which workers answered `count` queries, each from a socket of its own (the kernel picks a socket by the source port). */
async function answeredBy(port: number, count: number, transport: 'udp' | 'tcp' = 'udp'): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const r = await query(port, `q${i}.example`, 'TXT', { transport });
    const text = (r.packet.answers?.[0] as { data: Buffer[] }).data[0]!.toString();
    seen.set(text, (seen.get(text) ?? 0) + 1);
  }
  return seen;
}

async function run(s: Setup, args: readonly string[], env: Record<string, string> = {}): Promise<Chaindns> {
  return startChaindns(['-conf', s.dir.file('Corefile'), ...args], { cwd: s.dir.path, env });
}

test('-workers 2: both threads answer on one port, UDP and TCP, and /metrics, /ready and /health are the process\'s', async () => {
  const s = await setup();
  const c = await run(s, ['-workers', '2']);
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    const udp = await answeredBy(s.port, 64);
    assert.deepEqual([...udp.keys()].sort(), ['worker 0', 'worker 1'], `UDP answers: ${JSON.stringify([...udp])}`);
    const tcp = await answeredBy(s.port, 32, 'tcp');
    assert.deepEqual([...tcp.keys()].sort(), ['worker 0', 'worker 1'], `TCP answers: ${JSON.stringify([...tcp])}`);
    const metrics = (await httpGet(`http://127.0.0.1:${s.metrics}/metrics`)).body;
    const server = `dns://127.0.0.1:${s.port}`;
    assert.equal(sample(metrics, 'coredns_dns_requests_total', { server, proto: 'udp', type: 'TXT' }), 64, 'summed over the workers');
    assert.equal(sample(metrics, 'coredns_dns_requests_total', { server, proto: 'tcp', type: 'TXT' }), 32);
    assert.equal(sample(metrics, 'coredns_dns_request_duration_seconds_count', { server, type: 'TXT' }), 96);
    assert.equal(sample(metrics, 'coredns_plugin_enabled', { server, name: 'workerid' }), 1, 'one block, whatever the workers');
    assert.equal(sample(metrics, 'coredns_build_info'), 1);
    assert.equal(metrics.match(/^process_cpu_seconds_total /gm)?.length, 1, 'the process once');
    assert.deepEqual(await httpGet(`http://127.0.0.1:${s.http}/ready`), { status: 200, body: 'OK' });
    assert.deepEqual(await httpGet(`http://127.0.0.1:${s.health}/health`), { status: 200, body: 'OK' });
  } finally {
    assert.equal(await c.stop(), 0);
    s.dir.remove();
  }
});

test('a reload (SIGUSR1) swaps the chain of every worker', async () => {
  const s = await setup();
  const c = await run(s, ['-workers', '2']);
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    s.writeCorefile('v2');
    c.child.kill('SIGUSR1');
    await eventually(async () => {
      const seen = await answeredBy(s.port, 32);
      assert.deepEqual([...seen.keys()].sort(), ['worker 0 v2', 'worker 1 v2'], c.output());
    }, 20_000, 'every worker on the new Corefile');
  } finally {
    assert.equal(await c.stop(), 0);
    s.dir.remove();
  }
});

test('a worker that crashes is logged and started again; the process serves on, and /ready names it while it is down', async () => {
  const s = await setup();
  const c = await run(s, ['-workers', '2']);
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    // Each query from its own socket: one of them reaches worker 1, which throws out of its event loop.
    await eventually(async () => {
      await query(s.port, 'crash.', 'TXT').catch(() => {});
      assert.match(c.output(), /\[ERROR\] worker 1 crashed: Error: workerid: crash asked of worker 1/);
    }, 10_000, 'worker 1 crashed');
    // Down for 250 ms and its start at least: /ready names it meanwhile.
    await eventually(async () => assert.deepEqual(await httpGet(`http://127.0.0.1:${s.http}/ready`), { status: 503, body: 'worker 1' }), 5000, '/ready naming worker 1');
    await eventually(() => assert.match(c.output(), /\[ERROR\] worker 1 exited with code 1; restarting it in 250 ms/), 5000, 'the exit logged');
    await eventually(() => /\[INFO\] worker 1 restarted/.test(c.output()), 10_000, 'worker 1 restarted');
    const seen = await answeredBy(s.port, 64);
    assert.deepEqual([...seen.keys()].sort(), ['worker 0', 'worker 1']);
    assert.deepEqual(await httpGet(`http://127.0.0.1:${s.http}/ready`), { status: 200, body: 'OK' });
    assert.equal(c.child.exitCode, null, 'the process serves on');
  } finally {
    assert.equal(await c.stop(), 0);
    s.dir.remove();
  }
});

test("a worker's fatal error (loop's) stops the process with exit code 1", async () => {
  const s = await setup();
  const c = await run(s, ['-workers', '2']);
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    await eventually(async () => {
      await query(s.port, 'fatal.', 'TXT', { timeoutMs: 300 }).catch(() => {});
      assert.notEqual(c.child.exitCode, null);
    }, 10_000, 'the process stopped');
    assert.equal(await c.exited, 1);
    assert.match(c.output(), /\[FATAL\] worker 1: workerid: fatal asked of worker 1/);
  } finally {
    await c.stop();
    s.dir.remove();
  }
});

test("the dashboard sums every worker's queries into the primary's live view", async () => {
  const s = await setup();
  const dashboard = await freePort();
  s.writeCorefile('', `  dashboard 127.0.0.1:${dashboard}\n`);
  const c = await run(s, ['-workers', '2']);
  const snapshot = async (): Promise<Snapshot> => JSON.parse((await httpGet(`http://127.0.0.1:${dashboard}/api/snapshot`)).body) as Snapshot;
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    // Watched from here: the primary tells the workers at its next second, and they record each query.
    await snapshot();
    await new Promise((r) => setTimeout(r, 1500));
    const udp = await answeredBy(s.port, 64);
    assert.deepEqual([...udp.keys()].sort(), ['worker 0', 'worker 1'], `UDP answers: ${JSON.stringify([...udp])}`);
    const txt = TYPES.indexOf('TXT');
    await eventually(
      async () => {
        const { history, frame } = await snapshot();
        return frame.queries === 64 && history.reduce((n, p) => n + p.qps, 0) === 64 && history.reduce((n, p) => n + (p.types[txt] ?? 0), 0) === 64 && frame.top.clients[0]?.count === 64;
      },
      5000,
      'every worker\'s queries in the live view',
    );
  } finally {
    assert.equal(await c.stop(), 0);
    s.dir.remove();
  }
});

test('multisocket N in the Corefile starts N workers; a reload that changes it says the number holds until a restart; -workers takes precedence', async () => {
  const s = await setup();
  s.writeCorefile('', '  multisocket 2\n');
  const c = await run(s, []);
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    assert.deepEqual([...(await answeredBy(s.port, 64)).keys()].sort(), ['worker 0', 'worker 1']);
    s.writeCorefile('v2', '  multisocket 3\n');
    c.child.kill('SIGUSR1');
    await eventually(() => /\[WARNING\] multisocket 3: the reloaded Corefile asks for 3 workers; the process keeps its 2 until it restarts/.test(c.output()), 10_000, 'the log line');
    await eventually(async () => assert.deepEqual([...(await answeredBy(s.port, 64)).keys()].sort(), ['worker 0 v2', 'worker 1 v2']), 10_000, 'two workers on the new Corefile');
  } finally {
    assert.equal(await c.stop(), 0);
  }
  const one = await run(s, ['-workers', '1']);
  try {
    assert.deepEqual([...(await answeredBy(s.port, 16)).keys()], ['worker 0 v2']);
  } finally {
    assert.equal(await one.stop(), 0);
    s.dir.remove();
  }
});

test(`on dgram (Node.js ${process.versions.node}): ${dgramSharesPorts() ? 'the workers share the port (22.12+), UDP and TCP' : 'the server stays on one thread and says why'}`, async () => {
  const s = await setup();
  const c = await run(s, ['-workers', '2', '-udp', 'dgram']);
  try {
    if (!dgramSharesPorts()) {
      assert.match(c.output(), /\[WARNING\] -workers 2: serving on one thread: UDP is on Node\.js's dgram, which cannot share a port between threads before Node\.js 22\.12/);
      assert.deepEqual([...(await answeredBy(s.port, 16)).keys()], ['worker 0']);
      return;
    }
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    assert.match(c.output(), /udp dgram/);
    assert.doesNotMatch(c.output(), /serving on one thread/);
    assert.deepEqual([...(await answeredBy(s.port, 64)).keys()].sort(), ['worker 0', 'worker 1']);
    assert.deepEqual([...(await answeredBy(s.port, 32, 'tcp')).keys()].sort(), ['worker 0', 'worker 1']);
  } finally {
    assert.equal(await c.stop(), 0);
    s.dir.remove();
  }
});

test('-workers takes 1 to 1024 or auto', async () => {
  for (const bad of ['0', '1025', 'many', '-2']) {
    const r = await runCli(['-workers', bad], { cwd: tempDir('chaindns-workers-flag-').path });
    assert.equal(r.code, 1, bad);
    assert.match(r.stderr, /invalid value ".*" for flag -workers: expected 1 to 1024, or auto|flag needs an argument/, bad);
  }
  const usage = await runCli(['-help'], { cwd: tempDir('chaindns-workers-flag-').path });
  assert.match(usage.stdout, /-workers string\n\s+Worker threads/);
});

