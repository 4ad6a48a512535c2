import { type FSWatcher, readdirSync, readFileSync, type Stats, statSync, watch } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger, ResourceSync } from '@chaindns/core';
import { parseAllDocuments } from 'yaml';
import type { ClusterIndex } from './index-store.js';
import { matchesLabels } from './label-selector.js';
import type { RawObject } from './objects.js';
import type { Resource, Source } from './resources.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const JSON_FILE = /\.json$/i;
const RELOAD_DELAY_MS = 100;

/**
 * A JSON file's one value, through JSON.parse: a cluster's worth of objects (20 MB) in 0.3 s,
 * where the YAML parser takes 15 s and 1.7 GB. Undefined when it is no JSON: then the YAML
 * parser reads it, and says where it is broken.
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The Kubernetes objects in YAML or JSON files: multi-document files and
 * `List` kinds flattened. Throws for a path that is missing or holds no
 * object (a mistyped path must not serve an empty cluster).
 */
export function readManifests(paths: readonly string[]): RawObject[] {
  const objects: RawObject[] = [];
  for (const path of paths) {
    const before = objects.length;
    const folder = stat(path).isDirectory();
    for (const file of folder ? manifestFiles(path) : [path]) {
      const text = readFileSync(file, 'utf8');
      const json = JSON_FILE.test(file) ? parseJson(text) : undefined;
      if (json !== undefined) {
        flatten(json, objects);
        continue;
      }
      for (const doc of parseAllDocuments(text)) {
        const error = doc.errors[0];
        if (error) throw new Error(`${file}:${error.linePos?.[0].line ?? '?'}: ${error.message.split('\n')[0]}`);
        flatten(doc.toJS() as unknown, objects);
      }
    }
    if (objects.length === before) throw new Error(`${path}: no Kubernetes object in ${folder ? 'its *.yaml, *.yml and *.json files' : 'it'}`);
  }
  return objects;
}

function stat(path: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    throw new Error((err as NodeJS.ErrnoException).code === 'ENOENT' ? `${path}: no such file or directory` : (err as Error).message);
  }
}

function flatten(value: unknown, out: RawObject[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const obj = value as RawObject & { items?: unknown };
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    for (const item of obj.items) flatten(item, out);
    return;
  }
  if (typeof obj.kind === 'string') out.push(obj);
}

/** The manifest files under a folder, recursively, in name order. */
function manifestFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...manifestFiles(full));
    else if (MANIFEST_FILE.test(name)) files.push(full);
  }
  return files;
}

/**
 * Feeds the index from manifests, and again whenever a file changes: the
 * same resources, selectors and options as with the API. A file that no
 * longer parses is logged and the last good data keeps serving. Without
 * `namespace_labels`, the namespaces objects live in exist even when the
 * manifests declare no Namespace.
 */
export class ManifestSource implements Source {
  synced = false;
  /** When the files were last read into the index (Unix ms). */
  private loadedAt: number | null = null;
  private readonly paths: string[];
  private known = new Map<string, Map<string, string>>();
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    paths: readonly string[],
    private readonly resources: readonly Resource[],
    private readonly index: ClusterIndex,
    private readonly log: Logger,
    private readonly implicitNamespaces: boolean,
  ) {
    this.paths = paths.map((p) => resolve(p));
  }

  /** Reads every manifest into the index; throws when one cannot be read. */
  load(): void {
    const objects = readManifests(this.paths);
    const next = new Map<string, Map<string, string>>();
    const entries = new Map<string, Map<string, RawObject>>();
    const namespaces = new Set<string>();
    for (const raw of objects) {
      const resource = this.resources.find((r) => r.kind === raw.kind);
      if (!resource || !raw.metadata?.name) continue;
      const namespaced = resource.kind !== 'Namespace';
      const ns = namespaced ? raw.metadata.namespace || 'default' : '';
      const obj = namespaced ? { ...raw, metadata: { ...raw.metadata, namespace: ns } } : raw;
      if (namespaced) namespaces.add(ns);
      if (!matchesLabels(resource.selector, raw.metadata.labels)) continue;
      let byKey = entries.get(resource.kind);
      if (!byKey) entries.set(resource.kind, (byKey = new Map()));
      byKey.set(`${ns}/${raw.metadata.name}`, obj);
    }
    if (this.implicitNamespaces) {
      const declared = entries.get('Namespace') ?? new Map<string, RawObject>();
      for (const ns of namespaces) if (!declared.has(`/${ns}`)) declared.set(`/${ns}`, { kind: 'Namespace', metadata: { name: ns } });
      entries.set('Namespace', declared);
    }
    for (const resource of this.resources) {
      const old = this.known.get(resource.kind) ?? new Map<string, string>();
      const now = new Map<string, string>();
      for (const [key, raw] of entries.get(resource.kind) ?? []) {
        const text = JSON.stringify(raw);
        now.set(key, text);
        if (old.get(key) !== text) resource.set(this.index, resource.convert(raw, this.index.interner));
      }
      for (const key of old.keys()) {
        if (now.has(key)) continue;
        const slash = key.indexOf('/');
        resource.remove(this.index, key.slice(0, slash), key.slice(slash + 1));
      }
      next.set(resource.kind, now);
    }
    this.known = next;
    this.synced = true;
    this.loadedAt = Date.now();
  }

  syncStates(): ResourceSync[] {
    return this.resources.map((r) => ({ kind: r.kind, state: 'files', lastEventAt: this.loadedAt }));
  }

  start(): void {
    if (!this.synced) this.load();
    const dirs = new Map<string, Set<string> | null>();
    for (const path of this.paths) {
      if (statSync(path).isDirectory()) dirs.set(path, null);
      else if (dirs.get(dirname(path)) !== null) dirs.set(dirname(path), (dirs.get(dirname(path)) ?? new Set()).add(basename(path)));
    }
    for (const [dir, names] of dirs) {
      // A folder is watched whole; a file through its folder, so editors that replace files are seen.
      const watcher = watch(dir, { recursive: names === null }, (_event, name) => {
        if (names === null || (name !== null && names.has(basename(name)))) this.schedule();
      });
      watcher.on('error', (err) => this.log.error(`manifests: watching ${dir}: ${err.message}`));
      this.watchers.push(watcher);
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.load();
        const c = this.index.counts();
        this.log.info(`manifests reloaded: ${c.services} services, ${c.endpointSlices} endpoint slices, ${c.namespaces} namespaces`);
      } catch (err) {
        this.log.error(`manifests: ${(err as Error).message}; the last good data keeps serving`);
      }
    }, RELOAD_DELAY_MS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
