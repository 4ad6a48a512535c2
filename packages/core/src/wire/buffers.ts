/**
 * Buffer's own class, as Node.js's internals take it (`Buffer[Symbol.species]`): a Buffer over
 * memory at hand built with it directly costs about 20 ns, where `subarray()` and
 * `Buffer.allocUnsafe()` (which check their arguments and read `Buffer.poolSize` first) cost
 * 50 to 55. For the few Buffers made per query on the hot path.
 */
const FastBuffer = (Buffer as unknown as { readonly [Symbol.species]: new (memory: ArrayBufferLike, byteOffset: number, length: number) => Buffer })[Symbol.species];

/** A Buffer over `memory[byteOffset, byteOffset + length)`, unchecked: the caller knows the range is inside. */
export function bufferOver(memory: ArrayBufferLike, byteOffset: number, length: number): Buffer {
  return new FastBuffer(memory, byteOffset, length);
}

/**
 * Replies are cut from slabs of Node.js's own pool size: a reply kept long (a plugin that stores
 * it without a copy) pins no more memory than a `Buffer.allocUnsafe()` one would.
 */
const SLAB = 8 * 1024;
let slab = new ArrayBuffer(SLAB);
let used = 0;

/** An uninitialized Buffer of `length` bytes for a reply (`Buffer.allocUnsafe(length)`, with fewer checks). */
export function replyBuffer(length: number): Buffer {
  if (length > SLAB >>> 1) return Buffer.allocUnsafe(length);
  if (used + length > SLAB) {
    slab = new ArrayBuffer(SLAB);
    used = 0;
  }
  const out = new FastBuffer(slab, used, length);
  // 8-byte aligned, as Node's pool keeps its slices.
  used = (used + length + 7) & ~7;
  return out;
}
