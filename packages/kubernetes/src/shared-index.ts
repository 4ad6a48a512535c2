import type { Logger, ResourceSync, Workers } from '@chaindns/core';
import type { ServiceEntry, SliceEntry } from './entries.js';
import type { IndexCounts, IndexReader } from './index-reader.js';
import type { ClusterIndex } from './index-store.js';
import type { Source } from './resources.js';
import { SnapshotIndex } from './snapshot-reader.js';
import { writeSnapshot } from './snapshot-writer.js';
import type { VersionsReader } from './service-versions.js';

/** How often the primary looks for a change to publish: what the other workers lag behind it at least. */
export const PUBLISH_MS = 250;
/** After a snapshot that took T, the next waits PACE * T at least: taking them costs the primary a fifth of its time at most. */
const PACE = 5;

const EMPTY: readonly never[] = Object.freeze([]);
const NO_COUNTS: IndexCounts = Object.freeze({ services: 0, endpointSlices: 0, namespaces: 0, pods: 0 });

/**
 * The primary of `-workers N` (the thread that watches the API): once it has
 * synced, and then while the index changes, a snapshot of it in shared memory,
 * published to the other workers under `key`, every PUBLISH_MS at most, and at most a fifth of the
 * time: a snapshot costs time in proportion to the cluster (150-375 ms for
 * 10,000 services and 100,000 endpoints on a shared 2-CPU VM, so under
 * constant churn the other workers lag the primary by one to two seconds).
 */
export function publishSnapshots(index: ClusterIndex, source: Source, workers: Workers, key: string, log: Logger): { stop(): void } {
  let version = -1;
  let published = false;
  let timer: NodeJS.Timeout | null = null;
  const publish = (): void => {
    let wait = PUBLISH_MS;
    // Only a synced index: after a reload the workers keep the last one while this one syncs.
    if (source.synced && (index.version !== version || !published)) {
      const first = !published;
      version = index.version;
      published = true;
      const started = performance.now();
      try {
        const snapshot = writeSnapshot(index, true);
        workers.publish(key, snapshot);
        index.reverseFrom(new SnapshotIndex(snapshot));
        const took = performance.now() - started;
        wait = Math.max(PUBLISH_MS, PACE * took);
        const { services, endpointSlices } = index.counts();
        if (first) log.info(`the other workers read this index in shared memory: ${services} services, ${endpointSlices} endpoint slices, ${(snapshot.byteLength / 1048576).toFixed(1)} MB, taken in ${took.toFixed(0)} ms`);
      } catch (err) {
        // The other workers keep answering from the last snapshot.
        log.error(`cannot share the index with the other workers: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    timer = setTimeout(publish, wait);
    timer.unref();
  };
  publish();
  return { stop: () => void (timer && clearTimeout(timer)) };
}

/**
 * A worker beside the primary: the cluster as the primary's last snapshot
 * has it, read in place (no list, no watch, no copy of its own). It is the
 * plugin's source too: synced once a snapshot of a synced index arrived.
 * Each snapshot installed counts a generation up: the namespace version and
 * every service's version (kept-replies.ts), so that no reply kept from an
 * older snapshot is sent again.
 */
export class SharedIndex implements IndexReader, Source {
  private current: SnapshotIndex | null = null;
  private generation = 0;
  /** When the last snapshot arrived (Unix ms), null before the first. */
  private takenAt: number | null = null;
  readonly versions: VersionsReader = { of: () => this.generation };

  constructor(
    /** The kinds the primary watches (resources.ts). */
    private readonly kinds: readonly string[],
    /** What the primary's resources are in once synced: `watching` the API, or read from `files`. */
    private readonly syncedState: 'watching' | 'files',
  ) {}

  /** Takes a snapshot the primary published. */
  take(value: unknown): void {
    if (!(value instanceof SharedArrayBuffer)) return;
    this.current = new SnapshotIndex(value, ++this.generation);
    this.takenAt = Date.now();
  }

  start(): void {}

  async stop(): Promise<void> {}

  get synced(): boolean {
    return this.current?.synced ?? false;
  }

  /**
   * The primary's resource states are not in the snapshot: each kind is reported in the state the
   * snapshot's says (`listing` until a synced one arrived), heard of when the last snapshot came.
   */
  syncStates(): ResourceSync[] {
    const state = this.synced ? this.syncedState : 'listing';
    return this.kinds.map((kind) => ({ kind, state, lastEventAt: this.takenAt }));
  }

  get modified(): number {
    return this.current?.modified ?? 0;
  }

  get namespaceVersion(): number {
    return this.generation;
  }

  counts(): IndexCounts {
    return this.current?.counts() ?? NO_COUNTS;
  }

  service(name: string, namespace: string): ServiceEntry | undefined {
    return this.current?.service(name, namespace);
  }

  slicesOf(name: string, namespace: string): readonly SliceEntry[] {
    return this.current?.slicesOf(name, namespace) ?? EMPTY;
  }

  hasNamespace(name: string): boolean {
    return this.current?.hasNamespace(name) ?? false;
  }

  allServices(): Iterable<ServiceEntry> {
    return this.current?.allServices() ?? EMPTY;
  }

  servicesByIp(ip: string): readonly ServiceEntry[] {
    return this.current?.servicesByIp(ip) ?? EMPTY;
  }

  servicesByExternalIp(ip: string): readonly ServiceEntry[] {
    return this.current?.servicesByExternalIp(ip) ?? EMPTY;
  }

  slicesByIp(ip: string): readonly SliceEntry[] {
    return this.current?.slicesByIp(ip) ?? EMPTY;
  }

  hasPod(ip: string, namespace: string): boolean {
    return this.current?.hasPod(ip, namespace) ?? false;
  }

  podNamespace(ip: string): string | null {
    return this.current?.podNamespace(ip) ?? null;
  }
}
