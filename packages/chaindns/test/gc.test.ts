import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gcFlags } from '../src/index.js';

test('the binary scavenges on the main thread unless node was told how to', () => {
  assert.deepEqual(gcFlags([]), ['--no-parallel-scavenge']);
  assert.deepEqual(gcFlags(['--max-old-space-size=100', '--enable-source-maps']), ['--no-parallel-scavenge']);
  for (const own of ['--parallel-scavenge', '--no-parallel-scavenge', '--parallel_scavenge', '--single-threaded-gc', '--single-threaded']) {
    assert.deepEqual(gcFlags([own]), [], own);
  }
  assert.deepEqual(gcFlags(['--parallel-scavenge-foo']), ['--no-parallel-scavenge']);
});
