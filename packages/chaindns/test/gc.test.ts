import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { gcFlags, workerResourceLimits } from '../src/index.js';

test('the binary scavenges on the main thread from its start unless node was told how to', () => {
  assert.deepEqual(gcFlags([], 'start'), ['--no-parallel-scavenge', '--no-sparkplug']);
  assert.deepEqual(gcFlags(['--max-old-space-size=100', '--enable-source-maps'], 'start'), ['--no-parallel-scavenge', '--no-sparkplug']);
  for (const own of ['--parallel-scavenge', '--no-parallel-scavenge', '--parallel_scavenge', '--single-threaded-gc', '--single-threaded']) {
    assert.deepEqual(gcFlags([own], 'start'), ['--no-sparkplug'], own);
  }
  assert.deepEqual(gcFlags(['--parallel-scavenge-foo'], 'start'), ['--no-parallel-scavenge', '--no-sparkplug']);
});

test('the binary runs without the baseline compiler unless node was told about it', () => {
  for (const own of ['--sparkplug', '--no-sparkplug', '--sparkplug=false']) {
    assert.deepEqual(gcFlags([own], 'start'), ['--no-parallel-scavenge'], own);
  }
  assert.deepEqual(gcFlags(['--always-sparkplug'], 'start'), ['--no-parallel-scavenge', '--no-sparkplug']);
});

test('the binary keeps its heap near what is alive once it serves, unless node was told otherwise', () => {
  assert.deepEqual(gcFlags([], 'serving'), ['--optimize-for-size']);
  for (const own of ['--optimize-for-size', '--no-optimize-for-size', '--optimize_for_size']) {
    assert.deepEqual(gcFlags([own], 'serving'), [], own);
  }
  assert.deepEqual(gcFlags(['--optimize-for-sizes'], 'serving'), ['--optimize-for-size']);
});

test('V8 takes the flags while the process runs', () => {
  // setFlagsFromString ignores a flag it does not know: this V8 must still know these.
  const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  for (const flag of [...gcFlags([], 'start'), ...gcFlags([], 'serving')]) assert.ok(known.includes(`  ${flag.replace(/^--no-/, '--')} `), flag);
});

/** Runs `body` (ESM, with settleGc, tuneGc and v8 in scope) in a fresh node, and returns what it prints as JSON. */
function inNode(body: string, execArgv: readonly string[] = []): unknown {
  const gc = new URL('../src/gc.js', import.meta.url).href;
  const script = `import v8 from 'node:v8'; import { settleGc, tuneGc } from ${JSON.stringify(gc)};\n${body}`;
  const run = spawnSync(process.execPath, [...execArgv, '--max-semi-space-size=2', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

// A heap grown by a start (two thirds of what it allocated left as garbage, a third kept).
const GROW = `
tuneGc();
const kept = [];
let junk = [];
for (let i = 0; i < 300000; i++) (i % 3 ? junk : kept).push({ name: 'svc-' + i, ports: [i, i + 1] });
junk = null;
const before = v8.getHeapStatistics();
settleGc();
const after = v8.getHeapStatistics();
console.log(JSON.stringify({ kept: kept.length, before: before.total_heap_size, after: after.total_heap_size, used: after.used_heap_size }));
`;

test('once it serves, the binary gives back the heap its start grew: one collection that compacts it', () => {
  const { before, after, used } = inNode(GROW) as { before: number; after: number; used: number };
  // The old generation compacted to what is alive: the young generation (two 2 MB semi-spaces at most) and a page a space above it.
  assert.ok(after < used + 6 * 2 ** 20, `heap ${after} for ${used} alive`);
  assert.ok(after < before / 2, `heap ${before} -> ${after}`);
});

test('a node told about --optimize-for-size keeps its own heap: no flag, no collection', () => {
  const { before, after } = inNode(GROW, ['--no-optimize-for-size']) as { before: number; after: number };
  // Not equal: V8 may grow or give back a page meanwhile (two local runs of six saw 53.7 -> 54.0 MB); the collection halves it.
  assert.ok(after > before * 0.9, `heap ${before} -> ${after}`);
});

test("a worker thread gets the image's young generation unless node was told a size", () => {
  const image = { maxYoungGenerationSizeMb: 6 };
  assert.deepEqual(workerResourceLimits([], ''), image);
  assert.deepEqual(workerResourceLimits(['--max-old-space-size=100'], '--enable-source-maps'), image);
  for (const own of ['--max-semi-space-size=2', '--max_semi_space_size=8', '--min-semi-space-size=1', '--max-young-generation-size=12']) {
    assert.equal(workerResourceLimits([own], ''), undefined, own);
    assert.equal(workerResourceLimits([], `--trace-gc ${own}`), undefined, `NODE_OPTIONS ${own}`);
  }
});
