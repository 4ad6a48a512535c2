import { QType } from '@chaindns/core';
import type { Answer } from '@chaindns/core';
import { BackendFailure, NotFound } from './errors.js';
import type { KeyTree } from './key-tree.js';
import { keyPath, wildcardPath } from './path.js';
import { group, type Service } from './service.js';

const NOT_FOUND = new NotFound('key not found');

/** What an external lookup (through the server's own chain) brought back. */
export interface Looked {
  readonly answers: readonly Answer[];
  readonly truncated: boolean;
}

/** What the answer builders read: the records under a name, and lookups of names outside the zone. */
export interface Backend {
  readonly tree: KeyTree;
  /** The `path`, cleaned. */
  readonly base: string;
  /** Resolves a name through the server (CoreDNS's upstream); null when that fails. */
  lookup(name: string, qtype: number): Promise<Looked | null>;
}

/**
 * CoreDNS's Etcd.Records then msg.Group: the records under `name` (lowercased),
 * read as its etcd lookups would: the key itself when `exact`, else every
 * key below it, else the key itself; a wildcard label (`*`, `any`) reads the
 * subtree above it and keeps the keys that match. Records that cannot answer
 * `qtype` are left out (no host, and not text asked as TXT).
 */
export function records(b: Backend, name: string, qtype: number, exact: boolean): readonly Service[] {
  const { path, star } = wildcardPath(name, b.base);
  let entries;
  if (exact) {
    const one = b.tree.get(path);
    entries = one ? [one] : [];
  } else {
    entries = b.tree.below(path);
    if (entries.length === 0) {
      const one = b.tree.get(path);
      if (one) entries = [one];
    }
  }
  if (entries.length === 0) throw NOT_FOUND;
  const segments = star ? keyPath(name, b.base).split('/') : null;
  const out: Service[] = [];
  for (const entry of entries) {
    if (segments && !matches(entry.key.split('/'), segments)) continue;
    if ('error' in entry) throw new BackendFailure(entry.error);
    if ((qtype === QType.TXT && entry.text !== '') || entry.host !== '') out.push(entry);
  }
  return group(out);
}

/** A key matches a wildcard name when each label is `*`, `any` or the key's segment; a key deeper than the name matches too. */
function matches(key: readonly string[], name: readonly string[]): boolean {
  for (let i = 0; i < name.length; i++) {
    if (i >= key.length) return false;
    const n = name[i];
    if (n !== '*' && n !== 'any' && key[i] !== n) return false;
  }
  return true;
}
