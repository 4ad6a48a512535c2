import { ipv4Number, ipv4Text, ipv6Bytes } from './ip.js';
import { WordTable } from './word-table.js';

/**
 * One address family's tables: each pod's address (`byPod`: the pod's key,
 * then the address) and the pods at each address (`byIp`: the address, the
 * pod's key, its namespace's id; one row per pod, as pods on the host
 * network share their node's address).
 */
class Family {
  readonly byPod: WordTable;
  readonly byIp: WordTable;
  constructor(
    readonly words: number,
    expected = 0,
  ) {
    this.byPod = new WordTable(2 + words, 2, expected);
    this.byIp = new WordTable(words + 3, words, expected);
  }
}

// Scratch rows, so nothing is allocated per lookup: `row` an address (1 or 4 words), then a key
// and a namespace id (a byIp row); `key` a pod's key; `own` a byPod row.
const row = new Uint32Array(7);
const key = new Uint32Array(2);
const own = new Uint32Array(6);

/**
 * The pods of `pods verified`, as DNS needs them and nothing more: which
 * namespaces have a pod at an address (a verified pod name, and autopath's
 * client namespace). A pod is known by a 64-bit hash of its namespace and
 * name (two pods colliding in 2^64 would count as one), each address is
 * stored as numbers in typed arrays, and namespaces as ids; so 150,000 pods
 * cost a few MB instead of an object and strings each. Kubernetes gives a
 * pod at most one address per family, and so does this index (the first).
 */
export class PodIndex {
  private readonly v4: Family;
  private v6: Family | null = null;
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly refs: number[] = [];
  private readonly free: number[] = [];
  private pods = 0;

  /** `expected`: pods with an IPv4 address it is made to hold without growing. */
  constructor(expected = 0) {
    this.v4 = new Family(1, expected);
  }

  /**
   * The index of a whole list's pods, made at its final size. Tables grown
   * while a list streams in leave their old arrays freed between the list's
   * buffers, where the allocator keeps them: with 150,000 pods that cost
   * some 20 MB more RSS than the index holds.
   */
  static of(list: PodList): PodIndex {
    const index = new PodIndex(list.namespaces.length);
    for (let i = 0; i < list.namespaces.length; i++) {
      key[0] = list.keys[2 * i]!;
      key[1] = list.keys[2 * i + 1]!;
      index.place(list.namespaces[i]!, list.v4[i], list.v6[i]);
    }
    return index;
  }

  /** Pods with an address. */
  get size(): number {
    return this.pods;
  }

  /** Sets a pod's addresses (none: it leaves, as a pod that terminates or has none yet). */
  set(namespace: string, name: string, ips: readonly string[]): void {
    podKey(namespace, name);
    this.place(namespace, firstV4(ips), firstV6(ips));
  }

  /** Sets the addresses of the pod in `key`. */
  private place(namespace: string, v4: string | undefined, v6: string | undefined): void {
    const had = this.holds(this.v4) || (this.v6 !== null && this.holds(this.v6));
    this.update(this.v4, namespace, v4);
    if (v6 !== undefined || this.v6 !== null) this.update((this.v6 ??= new Family(4)), namespace, v6);
    const has = this.holds(this.v4) || (this.v6 !== null && this.holds(this.v6));
    this.pods += Number(has) - Number(had);
  }

  /** Forgets a pod; true when it had an address here. */
  delete(namespace: string, name: string): boolean {
    const before = this.pods;
    this.set(namespace, name, []);
    return this.pods < before;
  }

  /** The namespace of a pod at `ip` (of the first found when several share it), or null. */
  namespaceOf(ip: string): string | null {
    const family = this.address(ip);
    if (family === null) return null;
    const slot = family.byIp.find(row, family.words, family.byIp.home(row));
    return slot < 0 ? null : this.names[family.byIp.word(slot, family.words + 2)]!;
  }

  /** Each address and the namespace of a pod at it (a row per pod). */
  *entries(): IterableIterator<[ip: string, namespace: string]> {
    for (const family of this.v6 ? [this.v4, this.v6] : [this.v4]) {
      const { byIp, words } = family;
      for (let slot = 0; slot < byIp.capacity; slot++) {
        if (!byIp.occupied(slot)) continue;
        const ip = words === 1 ? ipv4Text(byIp.word(slot, 0)) : formatV6(byIp, slot);
        yield [ip, this.names[byIp.word(slot, words + 2)]!];
      }
    }
  }

  /** True when a pod at `ip` lives in `namespace`. */
  has(ip: string, namespace: string): boolean {
    const id = this.ids.get(namespace);
    const family = id === undefined ? null : this.address(ip);
    if (family === null) return false;
    const table = family.byIp;
    for (let slot = table.find(row, family.words, table.home(row)); slot >= 0; slot = table.find(row, family.words, slot + 1)) {
      if (table.word(slot, family.words + 2) === id) return true;
    }
    return false;
  }

  /** True when the pod in `key` has an address of this family. */
  private holds(family: Family): boolean {
    return family.byPod.find(key, 2, family.byPod.home(key)) >= 0;
  }

  /** Moves the pod in `key` to `ip` in this family (undefined: no address). */
  private update(family: Family, namespace: string, ip: string | undefined): void {
    const { byPod, byIp, words } = family;
    const slot = byPod.find(key, 2, byPod.home(key));
    if (slot >= 0) {
      if (ip !== undefined && this.address(ip) === family && sameAddress(byPod, slot, words)) return;
      // Take the old address out: the row of this pod at it, then the pod's own row.
      for (let i = 0; i < words; i++) row[i] = byPod.word(slot, 2 + i);
      row[words] = key[0]!;
      row[words + 1] = key[1]!;
      const at = byIp.find(row, words + 2, byIp.home(row));
      if (at >= 0) {
        this.release(byIp.word(at, words + 2));
        byIp.removeAt(at);
      }
      byPod.removeAt(slot);
    }
    if (ip === undefined || this.address(ip) !== family) return;
    row[words] = key[0]!;
    row[words + 1] = key[1]!;
    row[words + 2] = this.intern(namespace);
    byIp.insert(row);
    own[0] = key[0]!;
    own[1] = key[1]!;
    for (let i = 0; i < words; i++) own[2 + i] = row[i]!;
    byPod.insert(own);
  }

  /** Parses `ip` into the scratch row; its family's tables, or null when no pod can have it. */
  private address(ip: string): Family | null {
    const v4 = ipv4Number(ip);
    if (v4 >= 0) {
      row[0] = v4;
      return this.v4;
    }
    if (this.v6 === null || !ip.includes(':')) return null;
    let bytes: Uint8Array;
    try {
      bytes = ipv6Bytes(ip);
    } catch {
      return null;
    }
    for (let i = 0; i < 4; i++) row[i] = ((bytes[4 * i]! << 24) | (bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!) >>> 0;
    return this.v6;
  }

  private intern(namespace: string): number {
    let id = this.ids.get(namespace);
    if (id === undefined) {
      id = this.free.pop() ?? this.names.length;
      this.ids.set(namespace, id);
      this.names[id] = namespace;
      this.refs[id] = 0;
    }
    this.refs[id]!++;
    return id;
  }

  private release(id: number): void {
    if (--this.refs[id]! > 0) return;
    this.ids.delete(this.names[id]!);
    this.names[id] = '';
    this.free.push(id);
  }
}

/** Pods gathered from a list, as numbers and the strings they already were, for PodIndex.of. */
export class PodList {
  readonly keys: number[] = [];
  readonly namespaces: string[] = [];
  readonly v4: (string | undefined)[] = [];
  readonly v6: (string | undefined)[] = [];

  add(namespace: string, name: string, ips: readonly string[]): void {
    podKey(namespace, name);
    this.keys.push(key[0]!, key[1]!);
    this.namespaces.push(namespace);
    this.v4.push(firstV4(ips));
    this.v6.push(firstV6(ips));
  }
}

const firstV4 = (ips: readonly string[]): string | undefined => ips.find((ip) => ipv4Number(ip) >= 0);
const firstV6 = (ips: readonly string[]): string | undefined => ips.find((ip) => ip.includes(':'));

/** True when the pod's row in `slot` holds the address in the scratch row. */
function sameAddress(byPod: WordTable, slot: number, words: number): boolean {
  for (let i = 0; i < words; i++) if (byPod.word(slot, 2 + i) !== row[i]) return false;
  return true;
}

/**
 * The 64-bit key of a pod, `namespace/name` hashed into `key` (two 32-bit
 * lanes, mixed as bryc's cyrb53), without building the string.
 */
function podKey(namespace: string, name: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const n = namespace.length + 1 + name.length;
  for (let i = 0; i < n; i++) {
    const c = i < namespace.length ? namespace.charCodeAt(i) : i === namespace.length ? 0x2f : name.charCodeAt(i - namespace.length - 1);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  key[0] = h1 >>> 0;
  key[1] = h2 >>> 0;
}

/** An IPv6 address of a byIp row, in the text form canonicalIp gives (lookups parse the text, so any form matches). */
function formatV6(table: WordTable, slot: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) {
    const w = table.word(slot, i);
    groups.push((w >>> 16).toString(16), (w & 0xffff).toString(16));
  }
  return groups.join(':');
}
