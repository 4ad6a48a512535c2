import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpaceSaving, WindowedTop } from '../src/space-saving.js';

test('space-saving keeps every key seen more than total/capacity times, with counts within their error', () => {
  const sketch = new SpaceSaving(10);
  const truth = new Map<string, number>();
  // A skewed stream: key i about 1000/(i+1) times, interleaved with 5000 keys seen once.
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stream: string[] = [];
  for (let i = 0; i < 20; i++) for (let n = 0; n < Math.floor(1000 / (i + 1)); n++) stream.push(`hot${i}`);
  for (let i = 0; i < 5000; i++) stream.push(`cold${i}`);
  for (let i = stream.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [stream[i], stream[j]] = [stream[j]!, stream[i]!];
  }
  for (const key of stream) {
    sketch.offer(key);
    truth.set(key, (truth.get(key) ?? 0) + 1);
  }
  assert.equal(sketch.size, 10);
  assert.equal(sketch.total, stream.length);
  const top = sketch.top(10);
  for (const item of top) {
    const real = truth.get(item.key)!;
    assert.ok(item.count >= real && item.count - item.error <= real, `${item.key}: ${item.count} ± ${item.error}, really ${real}`);
  }
  const threshold = stream.length / 10;
  for (const [key, n] of truth) if (n > threshold) assert.ok(top.some((t) => t.key === key), `${key} (${n} > ${threshold}) is kept`);
  assert.equal(top[0]!.key, 'hot0');
});

test('weights, ties and a capacity of one', () => {
  const s = new SpaceSaving(1);
  s.offer('a', 5);
  s.offer('b');
  assert.deepEqual(s.top(5), [{ key: 'b', count: 6, error: 5 }]);
  assert.throws(() => new SpaceSaving(0), /positive integer/);
});

test('the window forgets what is older than its slots, and merges the rest', () => {
  const w = new WindowedTop(4, 3);
  w.offer('old', 100);
  w.rotate();
  w.offer('a', 3);
  w.offer('old', 1);
  w.rotate();
  w.offer('a', 2);
  assert.deepEqual(w.top(2), [
    { key: 'old', count: 101, error: 0 },
    { key: 'a', count: 5, error: 0 },
  ]);
  assert.equal(w.total, 106);
  w.rotate();
  assert.deepEqual(w.top(2), [
    { key: 'a', count: 5, error: 0 },
    { key: 'old', count: 1, error: 0 },
  ]);
});
