import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CorefileSource, Counter, definePlugin, PluginRegistry, Registry, Server, silentLogger, SOLE_WORKER, type Workers } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

// What makes a Server one thread of several (the chaindns binary's -workers): the options the
// binary sets, each seen from a plugin or from the server.

/** Records the `ctx.workers` it is set up with and registers a counter. */
function probe(seen: Workers[]) {
  return definePlugin<null>({
    name: 'probe',
    parse: () => null,
    setup(_, ctx) {
      seen.push(ctx.workers);
      if (!ctx.registry.getSingleMetric('probe_total')) new Counter({ name: 'probe_total', help: 'h', registers: [ctx.registry] });
      ctx.registerReady('probe', () => true);
    },
  });
}

test('ctx.workers: worker 0 of 1 alone; the server\'s own when given', async () => {
  const seen: Workers[] = [];
  const alone = await startTestServer('. {\n  probe\n}', { plugins: [probe(seen)] });
  await alone.stop();
  assert.equal(seen[0], SOLE_WORKER);
  assert.deepEqual([SOLE_WORKER.index, SOLE_WORKER.count], [0, 1]);
  const mine: Workers = { ...SOLE_WORKER, index: 2, count: 3 };
  const second = await startTestServer('. {\n  probe\n}', { plugins: [probe(seen)], workers: mine });
  await second.stop();
  assert.equal(seen[1], mine);
});

test('peerStatus: what the other workers report joins the plugins\' checks, across a reload', async () => {
  const peers = { notReady: ['worker 1'], unhealthy: ['worker 2'] };
  const s = await startTestServer('. {\n  probe\n}', { plugins: [probe([])], peerStatus: { notReady: () => peers.notReady, unhealthy: () => peers.unhealthy } });
  try {
    assert.deepEqual(s.server.status.notReady(), ['worker 1']);
    assert.deepEqual(s.server.status.unhealthy(), ['worker 2']);
    await s.server.reload('. {\n  probe\n}');
    peers.notReady = [];
    assert.deepEqual(s.server.status.notReady(), []);
    assert.deepEqual(s.server.status.unhealthy(), ['worker 2']);
  } finally {
    await s.stop();
  }
  assert.deepEqual(s.server.status.notReady(), ['shutdown']);
});

test('registry: the plugins register in the one given; onReload hears each reload that serves, with its Corefile', async () => {
  const registry = new Registry();
  const reloads: CorefileSource[] = [];
  const s = await startTestServer('. {\n  probe\n}', { plugins: [probe([])], registry, onReload: (source) => void reloads.push(source) });
  try {
    assert.equal(s.server.registry, registry);
    assert.ok(registry.getSingleMetric('probe_total'));
    await s.server.reload('. {\n  probe\n}\n# two\n');
    await assert.rejects(s.server.reload('. {\n  nosuch\n}'));
    assert.deepEqual(
      reloads.map((r) => r.text),
      ['. {\n  probe\n}\n# two\n'],
    );
  } finally {
    await s.stop();
  }
});

test('corefile { path, text }: the text given, read as from the path (its imports beside it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-core-text-'));
  try {
    writeFileSync(join(dir, 'Corefile'), '. {\n  nosuch\n}\n'); // what the disk holds now is not what was read
    writeFileSync(join(dir, 'common'), 'probe\n');
    const server = new Server({
      corefile: { path: join(dir, 'Corefile'), text: '. {\n  import common\n}\n' },
      plugins: new PluginRegistry(['probe'], [probe([])]),
      logger: silentLogger,
      dnsPort: 0,
      defaultAddresses: ['127.0.0.1'],
    });
    await server.start();
    try {
      assert.deepEqual(server.corefile?.path, join(dir, 'Corefile'));
      assert.deepEqual(server.corefile?.files, [join(dir, 'Corefile'), join(dir, 'common')]);
      assert.deepEqual(server.status.notReady(), []);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('portZero: port-0 keys take the port given (a worker takes its primary\'s); portZero() tells the one chosen', async () => {
  const first = await startTestServer('. {\n  probe\n}', { plugins: [probe([])] });
  try {
    assert.deepEqual(first.server.portZero(), { dns: first.port });
    await first.stop();
    const again = await startTestServer('. {\n  probe\n}', { plugins: [probe([])], portZero: { dns: first.port } });
    assert.equal(again.port, first.port);
    await again.stop();
  } finally {
    await first.stop();
  }
});
