import type { Service } from './service.js';

/** A key whose value is no SkyDNS record: every lookup that reads it fails, as in CoreDNS. */
export interface BadEntry {
  readonly key: string;
  readonly error: string;
}

export type Entry = Service | BadEntry;

interface Node {
  children: Map<string, Node> | null;
  entry: Entry | null;
  /** The etcd lease the key is attached to, `0` for none. */
  lease: string;
}

/**
 * The keys under the plugin's path, as a tree of their `/`-separated
 * segments: an exact key and a prefix range (etcd's `Get(path)` and
 * `Get(path + "/", WithPrefix())`) cost the depth of the path plus what they
 * return, and a write costs the depth of its key.
 */
export class KeyTree {
  private root: Node = { children: null, entry: null, lease: '0' };
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Stores `entry` under its key; resolves with the lease of the entry it replaces, or null. */
  set(entry: Entry, lease: string): string | null {
    let node = this.root;
    for (const segment of entry.key.split('/')) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (!child) node.children.set(segment, (child = { children: null, entry: null, lease: '0' }));
      node = child;
    }
    const old = node.entry === null ? null : node.lease;
    if (old === null) this.count++;
    node.entry = entry;
    node.lease = lease;
    return old;
  }

  /** Removes a key, and the nodes left empty on its way; returns the lease the key held, or null when there was no key. */
  delete(key: string): string | null {
    const segments = key.split('/');
    const path: Node[] = [];
    let node: Node | undefined = this.root;
    for (const segment of segments) {
      path.push(node);
      node = node.children?.get(segment);
      if (!node) return null;
    }
    if (node.entry === null) return null;
    const old = node.lease;
    node.entry = null;
    this.count--;
    for (let i = segments.length - 1; i >= 0 && node.entry === null && !node.children?.size; i--) {
      const parent: Node = path[i]!;
      parent.children!.delete(segments[i]!);
      node = parent;
    }
    return old;
  }

  /** The entry stored under exactly `key`. */
  get(key: string): Entry | null {
    return this.node(key)?.entry ?? null;
  }

  /** Every entry whose key starts with `path + "/"` (for `/`, with `/`), in etcd's order (by key). */
  below(path: string): Entry[] {
    const out: Entry[] = [];
    const children = this.node(path === '/' ? '' : path)?.children;
    if (children) for (const child of children.values()) collect(child, out);
    if (out.length > 1) out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** Every entry, for a full copy (tests). */
  all(): Entry[] {
    const out: Entry[] = [];
    collect(this.root, out);
    return out;
  }

  private node(key: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const segment of key.split('/')) {
      node = node.children?.get(segment);
      if (!node) return undefined;
    }
    return node;
  }
}

/** Appends the entries of `node` and of everything below it (a loop, not recursion: a key may have any depth). */
function collect(node: Node, out: Entry[]): void {
  const stack = [node];
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (n.entry) out.push(n.entry);
    if (n.children) for (const child of n.children.values()) stack.push(child);
  }
}
