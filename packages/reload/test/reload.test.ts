import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Registry, silentLogger } from '@chaindns/core';
import { corefileDigest, CorefileWatcher, currentDigest, reloadMetrics, ReloadState } from '../src/index.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaindns-reload-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file by renaming a complete temp file over it, as a ConfigMap update does. */
function put(path: string, text: string): void {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('the digest covers the Corefile and every file it imports, globs included', () => {
  const main = join(dir, 'Corefile.digest');
  put(join(dir, 'a.conf'), 'whoami\n');
  put(join(dir, 'zone-1.conf'), '# one\n');
  const text = '. {\n  import a.conf\n  import zone-*.conf\n}\n';
  put(main, text);
  const first = currentDigest(main);
  assert.match(first, /^[0-9a-f]{128}$/);
  assert.equal(corefileDigest(main, text), first);

  put(join(dir, 'unrelated.conf'), 'x');
  assert.equal(currentDigest(main), first, 'a file not imported does not count');
  put(join(dir, 'a.conf'), 'whoami\nlog\n');
  const second = currentDigest(main);
  assert.notEqual(second, first, 'an import changed');
  put(join(dir, 'zone-2.conf'), '# two\n');
  const third = currentDigest(main);
  assert.notEqual(third, second, 'a new file matches the glob');
  put(main, text + '\n');
  assert.notEqual(currentDigest(main), third, 'the Corefile itself changed');
  assert.notEqual(corefileDigest(main, '. {\n  import a.conf\n'), corefileDigest(main, '. {\n  import b.conf\n'), 'text that does not parse is hashed as text');
});

/** A watcher on a fresh Corefile with a fast period, its requests counted; `outcome` decides each reload. */
function watch(name: string, outcome: () => Promise<void>) {
  const path = join(dir, name);
  put(path, '. {\n  whoami\n}\n');
  const registry = new Registry();
  const metrics = reloadMetrics(registry);
  const state = new ReloadState(metrics);
  const requests: number[] = [];
  const watcher = new CorefileWatcher({
    path,
    text: '. {\n  whoami\n}\n',
    periodMs: 30,
    log: silentLogger,
    metrics,
    setVersion: (d) => state.setVersion(d),
    requestReload: () => {
      requests.push(Date.now());
      return outcome();
    },
  });
  state.activate(watcher);
  const versions = async (): Promise<string[]> => (await metrics.versionInfo.get()).values.map((v) => `${String(v.labels.hash)}:${String(v.labels.value).slice(0, 8)}=${v.value}`);
  const failed = async (): Promise<number> => (await metrics.failed.get()).values[0]?.value ?? 0;
  return { path, watcher, requests, versions, failed, registry };
}

test('a change asks for one reload; an unchanged Corefile asks for none', async () => {
  const w = watch('Corefile.change', () => Promise.resolve());
  try {
    const before = await w.versions();
    assert.equal(before.length, 1);
    assert.match(before[0]!, /^sha512:[0-9a-f]{8}=1$/);
    await sleep(150);
    assert.equal(w.requests.length, 0);
    put(w.path, '. {\n  whoami\n  log\n}\n');
    await sleep(150);
    assert.equal(w.requests.length, 1);
    const afterChange = await w.versions();
    assert.equal(afterChange.length, 1, 'the old version label is removed');
    assert.notEqual(afterChange[0], before[0]);
    assert.equal(await w.failed(), 0);
  } finally {
    w.watcher.stop();
  }
});

test('a failed reload is counted once, not retried for the same content, and the watch goes on', async () => {
  const w = watch('Corefile.fail', () => Promise.reject(new Error('broken')));
  try {
    put(w.path, '. {\n  nosuch\n}\n');
    await sleep(200);
    assert.equal(w.requests.length, 1);
    assert.equal(await w.failed(), 1);
    put(w.path, '. {\n  nosuch 2\n}\n');
    await sleep(200);
    assert.equal(w.requests.length, 2);
    assert.equal(await w.failed(), 2);
  } finally {
    w.watcher.stop();
  }
});

test('a missing Corefile is skipped until it is back; stop ends the watch', async () => {
  const w = watch('Corefile.gone', () => Promise.resolve());
  rmSync(w.path);
  await sleep(120);
  assert.equal(w.requests.length, 0);
  put(w.path, '. {\n  whoami\n}\n');
  await sleep(120);
  assert.equal(w.requests.length, 0, 'the same content again');
  w.watcher.stop();
  put(w.path, '. {\n  log\n}\n');
  await sleep(120);
  assert.equal(w.requests.length, 0);
});

test('ReloadState: one watcher per generation, and a new generation takes over', async () => {
  const metrics = reloadMetrics(new Registry());
  const state = new ReloadState(metrics);
  const a = { path: '/x', text: '', files: [] };
  const b = { path: '/x', text: '', files: [] };
  assert.equal(state.claim(a), true);
  assert.equal(state.claim(a), false, 'a second block of the same generation');
  assert.equal(state.claim(b), true, 'the next generation');

  const path = join(dir, 'Corefile.takeover');
  put(path, '. {\n  whoami\n}\n');
  const asked: string[] = [];
  const watcher = (name: string) =>
    new CorefileWatcher({ path, text: '. {\n  whoami\n}\n', periodMs: 30, log: silentLogger, metrics, setVersion: (d) => state.setVersion(d), requestReload: async () => void asked.push(name) });
  const older = watcher('older');
  const newer = watcher('newer');
  state.activate(older);
  state.activate(newer);
  try {
    put(path, '. {\n  log\n}\n');
    await sleep(150);
    assert.deepEqual(asked, ['newer']);
  } finally {
    state.stop();
  }
});

test('metrics are created once per registry', () => {
  const registry = new Registry();
  assert.equal(reloadMetrics(registry), reloadMetrics(registry));
  assert.deepEqual(
    registry.getMetricsAsArray().map((m) => m.name).sort(),
    ['coredns_reload_failed_total', 'coredns_reload_version_info'],
  );
});
