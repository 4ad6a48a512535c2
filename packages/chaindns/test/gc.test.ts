import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { gcFlags, workerResourceLimits } from '../src/index.js';

test('the binary scavenges on the main thread unless node was told how to', () => {
  assert.deepEqual(gcFlags([]), ['--no-parallel-scavenge', '--optimize-for-size']);
  assert.deepEqual(gcFlags(['--max-old-space-size=100', '--enable-source-maps']), ['--no-parallel-scavenge', '--optimize-for-size']);
  for (const own of ['--parallel-scavenge', '--no-parallel-scavenge', '--parallel_scavenge', '--single-threaded-gc', '--single-threaded']) {
    assert.deepEqual(gcFlags([own]), ['--optimize-for-size'], own);
  }
  assert.deepEqual(gcFlags(['--parallel-scavenge-foo']), ['--no-parallel-scavenge', '--optimize-for-size']);
});

test('the binary keeps its heap near what is alive unless node was told otherwise', () => {
  for (const own of ['--optimize-for-size', '--no-optimize-for-size', '--optimize_for_size']) {
    assert.deepEqual(gcFlags([own]), ['--no-parallel-scavenge'], own);
  }
  assert.deepEqual(gcFlags(['--optimize-for-sizes']), ['--no-parallel-scavenge', '--optimize-for-size']);
});

test('V8 takes the flags while the process runs', () => {
  // setFlagsFromString ignores a flag it does not know: this V8 must still know these.
  const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
  for (const flag of gcFlags([])) assert.ok(known.includes(`  ${flag.replace(/^--no-/, '--')} `), flag);
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
