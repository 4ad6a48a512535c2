import type { Entry } from './resources.js';

/** An open watch: `abort()` closes it. */
export interface Watching {
  abort(): void;
}

/** A watch that never opened (the informer stopped first): nothing to close. */
export const NOT_WATCHING: Watching = { abort: () => {} };

/** How the loop watches (ApiClient.watch's contract): `done` once, when the watch ends or fails, never after `abort()`. */
export interface Watcher {
  watch(
    path: string,
    params: Readonly<Record<string, string | undefined>>,
    callback: (phase: string, obj: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<Watching>;
}

/** What a ListWatchLoop tells its informer. */
export interface ListWatchEvents {
  set(entry: Entry): void;
  remove(entry: Entry): void;
  error(err: unknown): void;
}

/**
 * client-node's ListWatch without its cache of every object: `list` puts
 * the objects straight into the index as they arrive (the index is the
 * cache: it finds what a relist dropped, or a new store is swapped in
 * whole), and watch events update the index as they come. The loop is
 * ListWatch's: list when there is no resourceVersion (the first time, after
 * a 410 Gone), then watch from it; a watch that ends cleanly is resumed from
 * the last resourceVersion; any other failure goes to `error`. Which list, as
 * client-go's reflector (relistResourceVersion): resourceVersion "0", any
 * version, which the API server serves from its watch cache instead of
 * reading etcd page by page; after a 410, "" (the newest, a quorum read), as
 * the cache may still be older than what this loop has seen.
 */
export class ListWatchLoop {
  private resourceVersion = '';
  /** The last resourceVersion expired (410): the next list must not be older than it. */
  private expired = false;
  private stopped = false;
  private request: Watching | undefined;

  constructor(
    private readonly path: string,
    private readonly watch: Watcher,
    /** Lists every object into the index, at `resourceVersion` ("0" or ""), and resolves with the list's. */
    private readonly list: (resourceVersion: string) => Promise<string>,
    private readonly selectors: { readonly labelSelector?: string; readonly fieldSelector?: string },
    private readonly events: ListWatchEvents,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.done(null);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort();
  }

  private abort(): void {
    this.request?.abort();
    this.request = undefined;
  }

  private async done(err: unknown): Promise<void> {
    this.abort();
    if (isGone(err)) this.gone();
    else if (err) {
      this.events.error(err);
      return;
    }
    if (this.stopped) return;
    if (!this.resourceVersion) {
      try {
        this.resourceVersion = await this.list(this.expired ? '' : '0');
        this.expired = false;
      } catch (listErr) {
        this.events.error(listErr);
        return;
      }
    }
    this.request = await this.watch.watch(
      this.path,
      { resourceVersion: this.resourceVersion, ...this.selectors },
      (phase, obj) => this.event(phase, obj as Entry & { code?: number }),
      (watchErr: unknown) => void this.done(watchErr),
    );
  }

  private gone(): void {
    this.resourceVersion = '';
    this.expired = true;
  }

  private event(phase: string, obj: Entry & { code?: number }): void {
    switch (phase) {
      case 'ERROR':
        // A 410 here ends the watch; `done` then lists again.
        if (obj.code === 410) this.gone();
        return;
      case 'ADDED':
      case 'MODIFIED':
        this.events.set(obj);
        break;
      case 'DELETED':
        this.events.remove(obj);
        break;
    }
    this.resourceVersion = obj.metadata?.resourceVersion ?? '';
  }
}

function isGone(err: unknown): boolean {
  const e = err as { statusCode?: number; code?: number } | null;
  return !!e && (e.statusCode === 410 || e.code === 410);
}
