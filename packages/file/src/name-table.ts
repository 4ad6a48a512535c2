/**
 * The names of a zone: an open-addressing table over the hash of each name
 * (name-hash.ts), sized for the file before it is read. A Map of a million
 * names cost most of a zone's load (its growth, and a miss or an insert each
 * a trip to memory); this is one probe of an Int32Array in the usual case.
 */
import { textNameHash } from './name-hash.js';
import type { Node } from './zone.js';

export class NameTable {
  /** Index + 1 into `nodes` at each slot; 0 is empty. */
  private slots: Int32Array;
  private mask: number;
  private readonly nodes: Node[] = [];
  /** The hash of each node, by index. */
  private hashes: Int32Array;

  /** Sized for `expected` names (it grows past them). */
  constructor(expected = 1024) {
    let size = 1024;
    while (size < expected * 2) size <<= 1;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.hashes = new Int32Array(Math.max(16, expected));
  }

  get size(): number {
    return this.nodes.length;
  }

  /** The node of a lowercased absolute name; `hash` when the caller has it (textNameHash, or wireNameHash of the question). */
  get(name: string, hash = textNameHash(name)): Node | undefined {
    const { slots, mask, nodes, hashes } = this;
    for (let p = hash & mask; ; p = (p + 1) & mask) {
      const i = slots[p]!;
      if (i === 0) return undefined;
      if (hashes[i - 1] === hash && nodes[i - 1]!.name === name) return nodes[i - 1];
    }
  }

  has(name: string, hash = textNameHash(name)): boolean {
    return this.get(name, hash) !== undefined;
  }

  /** Adds a node whose name is not in the table yet. */
  add(node: Node, hash = textNameHash(node.name)): void {
    if (this.nodes.length * 2 >= this.slots.length) this.grow();
    if (this.nodes.length === this.hashes.length) {
      const more = new Int32Array(this.hashes.length * 2);
      more.set(this.hashes);
      this.hashes = more;
    }
    this.hashes[this.nodes.length] = hash;
    this.nodes.push(node);
    this.place(hash, this.nodes.length);
  }

  values(): readonly Node[] {
    return this.nodes;
  }

  *keys(): Generator<string> {
    for (const node of this.nodes) yield node.name;
  }

  private place(hash: number, index: number): void {
    let p = hash & this.mask;
    while (this.slots[p] !== 0) p = (p + 1) & this.mask;
    this.slots[p] = index;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < this.nodes.length; i++) this.place(this.hashes[i]!, i + 1);
  }
}
