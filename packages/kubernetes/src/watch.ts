import type { Logger, ResourceSync } from '@chaindns/core';
import type { KubeConfig } from '#client-node';
import { ApiClient } from './api-client.js';
import type { SliceEntry } from './entries.js';
import type { ClusterIndex } from './index-store.js';
import { ListWatchLoop, NOT_WATCHING, type Watcher, type Watching } from './list-watch.js';
import type { KubernetesMetrics } from './metrics.js';
import type { RawObject } from './objects.js';
import type { ProtoReader } from './protobuf.js';
import type { Entry, Resource, Source } from './resources.js';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** After a failure the informer restarts after 250 ms, doubling up to 10 s while the API server stays away. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 10_000 };

/** Server-side watch timeout, picked in [5, 10) minutes as client-go's reflector does. */
const watchTimeoutSeconds = (): number => 300 + Math.floor(Math.random() * 300);

/**
 * The informer's watch, as client-go's reflector opens it: with bookmarks, a server-side timeout
 * and the rate limiter; each object is turned into its index entry on arrival, so the informer's
 * cache holds entries rather than API objects.
 */
class ReflectorWatch implements Watcher {
  /** Set when the informer stops: a watch being opened then is closed as soon as it opens. */
  stopped = false;

  constructor(
    private readonly api: ApiClient,
    private readonly convert: (raw: RawObject) => Entry,
    private readonly onWatch: () => void,
    private readonly onEvent: () => void,
  ) {}

  async watch(
    path: string,
    params: Readonly<Record<string, string | undefined>>,
    callback: (phase: string, obj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<Watching> {
    // The informer asks for a watch right after it applied a list: from here it has synced.
    this.onWatch();
    await this.api.throttle('GET');
    if (this.stopped) return NOT_WATCHING;
    const watching = await this.api.watch(
      path,
      { ...params, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds() },
      (phase, obj) => {
        this.onEvent();
        callback(phase, phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED' ? this.convert(obj as RawObject) : obj);
      },
      done,
    );
    if (this.stopped) watching.abort();
    return watching;
  }
}

/**
 * One resource's informer, restarted with backoff whenever it gives up: a
 * ListWatchLoop that lists into the index (a resource whose store a list
 * replaces whole, `replace`: pods, into a new store) and keeps no cache of
 * the objects besides.
 */
class Informer {
  synced = false;
  /** When the API last told it something (a list, a watch event or bookmark): Unix ms. */
  private lastEventAt: number | null = null;
  private readonly informer: { start(): Promise<void>; stop(): Promise<void> };
  private readonly watch: ReflectorWatch;
  private delay: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private failing = false;

  constructor(
    api: ApiClient,
    private readonly resource: Resource,
    index: ClusterIndex,
    private readonly log: Logger,
    private readonly backoff: Backoff,
    onSliceChange: (old: SliceEntry | undefined, slice: SliceEntry) => void,
  ) {
    this.delay = backoff.initialMs;
    const convert = (raw: RawObject): Entry => resource.convert(raw, index.interner);
    const watch = (this.watch = new ReflectorWatch(api, convert, () => (this.synced = true), () => this.recovered()));
    const label = resource.selector?.text;
    const field = resource.fieldSelector ?? undefined;
    const read = { json: (raw: unknown) => convert(raw as RawObject), proto: (r: ProtoReader, end: number) => resource.decode(r, end, index.interner) };
    const listEach = async (at: string, each: (entry: Entry) => void): Promise<string> => {
      const resourceVersion = await api.list(resource.path, at, label ?? null, resource.fieldSelector, each, read);
      this.recovered();
      return resourceVersion;
    };
    const set = (entry: Entry): void => {
      const namespace = entry.namespace ?? '';
      // As client-node's cache: an object of the version the index holds (a relist, a repeated event) changes nothing.
      if (entry.resourceVersion && resource.version?.(index, namespace, entry.name) === entry.resourceVersion) return;
      const old = this.synced && resource.kind === 'EndpointSlice' ? index.slice(namespace, entry.name) : undefined;
      resource.set(index, entry);
      if (this.synced && resource.kind === 'EndpointSlice') onSliceChange(old, entry as unknown as SliceEntry);
    };
    const remove = (entry: Entry): void => resource.remove(index, entry.namespace ?? '', entry.name);
    const replace = resource.replace;
    const list = replace
      ? async (at: string): Promise<string> => {
          const store = replace(index);
          const resourceVersion = await listEach(at, (entry) => store.add(entry));
          store.commit();
          return resourceVersion;
        }
      : async (at: string): Promise<string> => {
          // Straight into the index as the objects arrive; a relist then removes what it did not see.
          const keys = resource.keys!;
          if (!this.synced && keys(index)[Symbol.iterator]().next().done) {
            // The first list, into an index that holds nothing of this kind: no version to compare, nothing to find dropped.
            return listEach(at, (entry) => resource.set(index, entry));
          }
          const seen = new Set<string>();
          const resourceVersion = await listEach(at, (entry) => {
            seen.add(`${entry.namespace ?? ''}/${entry.name}`);
            set(entry);
          });
          for (const { namespace = '', name } of [...keys(index)]) if (!seen.has(`${namespace}/${name}`)) resource.remove(index, namespace, name);
          return resourceVersion;
        };
    this.informer = new ListWatchLoop(resource.path, watch, list, { labelSelector: label, fieldSelector: field }, { set, remove, error: (err) => this.failed(err) });
  }

  start(): void {
    this.stopped = false;
    this.watch.stopped = false;
    void this.informer.start();
  }

  /** Its state for the `clusterSync` capability. */
  syncState(): ResourceSync {
    const state = this.stopped ? 'stopped' : this.failing ? 'retrying' : this.synced ? 'watching' : 'listing';
    return { kind: this.resource.kind, state, lastEventAt: this.lastEventAt };
  }

  private recovered(): void {
    this.lastEventAt = Date.now();
    this.delay = this.backoff.initialMs;
    if (this.failing) this.log.info(`${this.resource.kind} watch restored`);
    this.failing = false;
  }

  /** client-node stops on any error but 410: keep serving what we have and try again later. */
  private failed(err: unknown): void {
    if (this.stopped || this.timer) return;
    const message = err instanceof Error ? err.message : String(err);
    if (!this.failing) this.log.warn(`failed to watch ${this.resource.kind}s: ${message}; serving the last known data, retrying`);
    this.failing = true;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.informer.start();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.backoff.maxMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watch.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.informer.stop();
  }
}

/**
 * The index fed from the Kubernetes API: an informer (list, then watch from
 * the list's resourceVersion) per resource. A dropped watch resumes where it
 * was, a 410 Gone relists (the index is diffed, never emptied), and while
 * the API server is away the last data keeps serving.
 */
export class ApiSource implements Source {
  private readonly informers: Informer[];
  private readonly api: ApiClient;

  constructor(
    kc: KubeConfig,
    resources: readonly Resource[],
    index: ClusterIndex,
    log: Logger,
    metrics: KubernetesMetrics,
    limits: { qps: number | null; burst: number | null; maxInflight: number | null },
    backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    const api = (this.api = new ApiClient(kc, metrics, limits));
    const onSliceChange = (old: SliceEntry | undefined, slice: SliceEntry): void => {
      // CoreDNS's DNS programming latency: only headless services with a selector carry the trigger time,
      // and only a newer trigger time is a new change.
      if (Number.isNaN(slice.triggerTime) || (old && old.triggerTime >= slice.triggerTime)) return;
      if (index.service(slice.service, slice.namespace)?.type !== 'Headless') return;
      metrics.programmingDuration.observe({ service_kind: 'headless_with_selector' }, Math.max(0, Date.now() - slice.triggerTime) / 1000);
    };
    this.informers = resources.map((r) => new Informer(api, r, index, log, backoff, onSliceChange));
  }

  get synced(): boolean {
    return this.informers.every((i) => i.synced);
  }

  syncStates(): ResourceSync[] {
    return this.informers.map((i) => i.syncState());
  }

  start(): void {
    for (const i of this.informers) i.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
    this.api.close();
  }
}
