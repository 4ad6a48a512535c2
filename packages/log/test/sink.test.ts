import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { LineSink } from '../src/index.js';
import { Collector } from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('lines are batched into one write per timer tick', async () => {
  const out = new Collector();
  const sink = new LineSink(out, { flushMs: 20 });
  for (let i = 0; i < 100; i++) sink.write(`line ${i}`);
  assert.equal(out.chunks.length, 0, 'nothing written on the hot path');
  await sleep(40);
  assert.equal(out.chunks.length, 1);
  assert.deepEqual(out.lines, Array.from({ length: 100 }, (_, i) => `line ${i}`));
});

test('a full batch is written at once', () => {
  const out = new Collector();
  const sink = new LineSink(out, { batchBytes: 100, flushMs: 60_000 });
  for (let i = 0; i < 25; i++) sink.write('0123456789');
  assert.deepEqual(
    out.chunks.map((c) => c.split('\n').length - 1),
    [10, 10],
    'two writes of ten 11-byte lines; five still wait',
  );
  sink.close();
  assert.equal(out.lines.length, 25);
});

test('backpressure holds lines in memory, then drops beyond the bound and says so', async () => {
  let release!: () => void;
  const chunks: string[] = [];
  // A slow output: the first write takes until release(); highWaterMark 1 makes write() return false.
  const slow = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      if (chunks.length === 1) release = () => done();
      else done();
    },
  });
  // Seven-byte lines: eight fit under the 50-byte bound (the last one crosses it), twelve are dropped.
  const sink = new LineSink(slow, { batchBytes: 1, maxPendingBytes: 50 });
  sink.write('first');
  for (let i = 0; i < 20; i++) sink.write(`held ${i}`);
  assert.equal(chunks.length, 1, 'nothing more while the output is blocked');
  release();
  await sleep(10);
  const lines = chunks.join('').split('\n').filter(Boolean);
  assert.equal(lines[0], 'first');
  assert.equal(lines[1], '[WARNING] plugin/log: 12 query log lines dropped: the output did not keep up');
  assert.deepEqual(lines.slice(2), Array.from({ length: 8 }, (_, i) => `held ${i}`));
});
