import type { CorefileSource, Logger } from '@chaindns/core';
import { corefileDigest, currentDigest } from './digest.js';
import type { ReloadMetrics } from './metrics.js';

export interface WatcherOptions {
  /** The Corefile's path. */
  readonly path: string;
  /** The text this config generation was built from: the starting point. */
  readonly text: string;
  /** How often to look, jitter included. */
  readonly periodMs: number;
  readonly log: Logger;
  readonly metrics: ReloadMetrics;
  /** Publishes the running digest (coredns_reload_version_info). */
  readonly setVersion: (digest: string) => void;
  /** Resolves once the new config serves; rejects when the reload failed. */
  readonly requestReload: () => Promise<void>;
}

/**
 * Watches one config generation's Corefile: every period it hashes the
 * Corefile and its imports, and on a change asks the server to reload. A
 * failed reload is counted and the watch goes on from the new content, so
 * the same broken Corefile is not tried again. A successful reload retires
 * this generation, and with it this watcher: the new config's takes over.
 */
export class CorefileWatcher {
  private digest: string;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: WatcherOptions) {
    this.digest = corefileDigest(options.path, options.text);
  }

  start(): void {
    if (this.stopped) return;
    this.options.log.info(`Running configuration SHA512 = ${this.digest}`);
    this.options.setVersion(this.digest);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.check(), this.options.periodMs).unref();
  }

  private check(): void {
    this.timer = null;
    if (this.stopped) return;
    let digest: string;
    try {
      digest = currentDigest(this.options.path);
    } catch {
      // Unreadable for now (a ConfigMap being swapped, say): look again next time, as CoreDNS does.
      this.schedule();
      return;
    }
    if (digest === this.digest) {
      this.schedule();
      return;
    }
    this.digest = digest;
    this.options.log.info('Corefile changed, reloading');
    this.options.setVersion(digest);
    this.options.requestReload().then(
      () => this.schedule(),
      () => {
        // The server logged why; the old config keeps serving.
        this.options.metrics.failed.inc();
        this.schedule();
      },
    );
  }
}

/**
 * The reload plugin's state for one server, shared by every block and config
 * generation that lists `reload`: which generations already have a watcher
 * (one per generation, however many blocks list it), the watcher running
 * now, and the version label published.
 */
export class ReloadState {
  private readonly claimed = new WeakSet<CorefileSource>();
  private current: CorefileWatcher | null = null;
  private version: string | null = null;

  constructor(private readonly metrics: ReloadMetrics) {}

  /** True for the first block of a generation to ask: that one watches. */
  claim(source: CorefileSource): boolean {
    if (this.claimed.has(source)) return false;
    this.claimed.add(source);
    return true;
  }

  /** The generation of `watcher` serves now: it takes over from the previous one. */
  activate(watcher: CorefileWatcher): void {
    if (this.current !== watcher) this.current?.stop();
    this.current = watcher;
    watcher.start();
  }

  setVersion(digest: string): void {
    if (digest === this.version) return;
    if (this.version !== null) this.metrics.versionInfo.remove({ hash: 'sha512', value: this.version });
    this.metrics.versionInfo.set({ hash: 'sha512', value: digest }, 1);
    this.version = digest;
  }

  /** No config lists `reload` any more. */
  stop(): void {
    this.current?.stop();
    this.current = null;
  }
}
