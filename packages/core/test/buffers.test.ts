import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bufferOver, replyBuffer } from '../src/wire/buffers.js';

test('replyBuffer: Buffers of the asked length that never share a byte, across slabs', () => {
  const taken: Buffer[] = [];
  for (let i = 0; i < 500; i++) {
    const b = replyBuffer(1 + (i % 97));
    assert.ok(Buffer.isBuffer(b));
    assert.equal(b.length, 1 + (i % 97));
    b.fill(i & 0xff);
    taken.push(b);
  }
  taken.forEach((b, i) => assert.ok(b.every((x) => x === (i & 0xff)), `reply ${i} kept its bytes`));
  const big = replyBuffer(20_000);
  assert.equal(big.length, 20_000, 'a reply over half a slab has its own memory');
});

test('bufferOver: a Buffer over the given range of the memory', () => {
  const memory = new ArrayBuffer(16);
  new Uint8Array(memory).set([1, 2, 3, 4, 5, 6], 0);
  const view = bufferOver(memory, 2, 3);
  assert.ok(Buffer.isBuffer(view));
  assert.deepEqual([...view], [3, 4, 5]);
  assert.equal(view.toString('hex'), '030405', "Buffer's own methods");
  view[0] = 9;
  assert.equal(new Uint8Array(memory)[2], 9, 'the same memory, not a copy');
});
