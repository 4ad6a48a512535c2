import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { LineWriter } from '../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A stream that keeps what is written; with `hold`, the first write completes only on release(). */
function output(options: { hold?: boolean; highWaterMark?: number } = {}): { out: Writable; chunks: string[]; lines: () => string[]; release: () => void } {
  const chunks: string[] = [];
  let release = (): void => {};
  const out = new Writable({
    highWaterMark: options.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      if (options.hold && chunks.length === 1) release = () => done();
      else done();
    },
  });
  return { out, chunks, lines: () => chunks.join('').split('\n').filter(Boolean), release: () => release() };
}

test('by default each line is written at once', () => {
  const { out, chunks } = output();
  const writer = new LineWriter(out);
  writer.write('one');
  writer.write('two');
  assert.deepEqual(chunks, ['one\n', 'two\n']);
});

test('with flushMs, lines are batched into one write per timer tick', async () => {
  const { out, chunks, lines } = output();
  const writer = new LineWriter(out, { flushMs: 20 });
  for (let i = 0; i < 100; i++) writer.write(`line ${i}`);
  assert.equal(chunks.length, 0, 'nothing written on the hot path');
  await sleep(40);
  assert.equal(chunks.length, 1);
  assert.deepEqual(lines(), Array.from({ length: 100 }, (_, i) => `line ${i}`));
});

test('a full batch is written at once', () => {
  const { out, chunks, lines } = output();
  const writer = new LineWriter(out, { batchBytes: 100, flushMs: 60_000 });
  for (let i = 0; i < 25; i++) writer.write('0123456789');
  assert.deepEqual(
    chunks.map((c) => c.split('\n').length - 1),
    [10, 10],
    'two writes of ten 11-byte lines; five still wait',
  );
  writer.close();
  assert.equal(lines().length, 25);
});

test('backpressure holds lines in memory, then drops beyond the bound and says so after them', async (t) => {
  for (const flushMs of [0, 5]) {
    await t.test(`flushMs ${flushMs}`, async () => {
      // highWaterMark 1 makes write() return false; the first write completes only on release().
      const { out, chunks, lines, release } = output({ hold: true, highWaterMark: 1 });
      // Seven-byte lines: eight fit under the 50-byte bound (the last one crosses it), twelve are dropped.
      const writer = new LineWriter(out, { flushMs, batchBytes: 1, maxPendingBytes: 50, droppedLine: (n) => `[WARNING] ${n} dropped` });
      writer.write('first');
      for (let i = 0; i < 20; i++) writer.write(`held ${i}`);
      assert.equal(chunks.length, 1, 'nothing more while the output is blocked');
      release();
      await sleep(20);
      assert.deepEqual(lines(), ['first', ...Array.from({ length: 8 }, (_, i) => `held ${i}`), '[WARNING] 12 dropped']);
    });
  }
});

test('a flood into a blocked output keeps at most the bound, and every line is either written or counted', async () => {
  const { out, lines, release } = output({ hold: true });
  const writer = new LineWriter(out, { maxPendingBytes: 64 * 1024 });
  const total = 100_000;
  const line = (i: number) => `[ERROR] plugin/errors: 2 name${String(i).padStart(6, '0')}.example.org. A: no healthy upstream`;
  for (let i = 0; i < total; i++) writer.write(line(i));
  assert.ok(out.writableLength < 32 * 1024, `the stream holds ${out.writableLength} bytes`);
  release();
  await sleep(20);
  const got = lines();
  const report = got.at(-1)!;
  const m = /^\[WARNING\] (\d+) log lines dropped: the output did not keep up$/.exec(report);
  assert.ok(m, report);
  const written = got.slice(0, -1);
  assert.equal(written.length + Number(m[1]), total, 'nothing lost without a count');
  assert.ok(written.length * (line(0).length + 1) < 64 * 1024 + 32 * 1024, `${written.length} lines waited`);
  assert.deepEqual(written, Array.from({ length: written.length }, (_, i) => line(i)), 'the first lines, in order, unchanged');
});
