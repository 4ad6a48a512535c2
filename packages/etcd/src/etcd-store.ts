import type { Logger } from '@chaindns/core';
import type { Etcd3, IKeyValue, IOptions, IWatchResponse, Watcher } from 'etcd3';
import { type Entry, KeyTree } from './key-tree.js';
import { parseStored, withDefaults } from './service.js';

/** How the store reaches etcd. */
export interface ConnectOptions {
  readonly endpoints: readonly string[];
  /** TLS towards every endpoint; null for plain HTTP/2. */
  readonly tls: { readonly ca: Buffer; readonly cert?: Buffer; readonly key?: Buffer } | null;
  readonly credentials: { readonly username: string; readonly password: string } | null;
}

export interface StoreOptions {
  /** For log lines. */
  readonly endpoints: readonly string[];
  /** The `path`, cleaned: `/skydns`. */
  readonly base: string;
  /** min-lease-ttl and max-lease-ttl, in seconds. */
  readonly minLeaseTtl: number;
  readonly maxLeaseTtl: number;
  readonly log: Logger;
}

/** etcd's time limit for one request, as CoreDNS's etcdTimeout. */
const REQUEST_TIMEOUT_MS = 5000;
/** Keys per range request while loading: a large tree comes in pages, never one message past gRPC's limit. */
const PAGE = 5000;
/** Waits between attempts to load and watch again, doubling up to the last. */
const RETRY_MS = [100, 200, 400, 800, 1600];

/** The etcd3 package, imported only when a Corefile uses etcd (grpc-js costs 30 MB). */
export async function connect(options: ConnectOptions): Promise<Etcd3> {
  // etcd3 is CommonJS: its exports are the default export, in Node and in the bundle alike.
  const [{ default: etcd3 }, { noop }] = await Promise.all([import('etcd3'), import('cockatiel')]);
  const { Etcd3 } = etcd3;
  const config: IOptions = {
    hosts: [...options.endpoints],
    ...(options.tls && { credentials: { rootCertificate: options.tls.ca, ...(options.tls.key && { privateKey: options.tls.key }), ...(options.tls.cert && { certChain: options.tls.cert }) } }),
    ...(options.credentials && { auth: { ...options.credentials } }),
    // The store retries on its own schedule: no circuit breaker holding an endpoint shut after etcd is back.
    faultHandling: { host: () => noop },
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + REQUEST_TIMEOUT_MS }),
    dialTimeout: REQUEST_TIMEOUT_MS,
    grpcOptions: {
      // CoreDNS's client pings every 5s; etcd refuses pings more often than its 5s minimum.
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5000,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
    },
  };
  return new Etcd3(config);
}

/** The first key past every key that starts with `prefix` (etcd's prefix range end). */
function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/**
 * The keys under `path`, kept by a watch: loaded with a range at revision R,
 * then changed by the watch from R+1, so a key written is answered as soon
 * as its event arrives. While the watch is down (etcd gone, a compaction
 * past our revision) the store is not `synced` and the plugin answers
 * SERVFAIL, as CoreDNS does when its per-query read fails; then it loads
 * again and watches from there.
 */
export class EtcdStore {
  tree = new KeyTree();
  /** The tree follows etcd: loaded, and its watch is up. */
  synced = false;
  /** Loaded once at least (for `ready`). */
  loaded = false;
  private closed = false;
  private watcher: Watcher | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Each lease's TTL as the records carry it (clamped), and how many keys hold it. */
  private leases = new Map<string, { ttl: number; refs: number }>();
  /** Watch batches apply one after another, each after its leases' TTLs are known. */
  private applying: Promise<void> = Promise.resolve();
  private readonly prefix: Buffer;
  private readonly under: string;

  constructor(
    private readonly client: Etcd3,
    private readonly options: StoreOptions,
  ) {
    this.prefix = Buffer.from(options.base);
    this.under = options.base === '/' ? '/' : `${options.base}/`;
  }

  /** Starts loading and watching in the background; `synced` tells when it follows etcd. */
  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.stopWatch();
    // Closing the connection ends a request etcd does not answer (a hung etcd), and with it the loop.
    this.client.close();
    await this.running;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let failing = false;
    while (!this.closed) {
      try {
        const revision = await this.load();
        if (this.closed) break;
        const lost = await this.watch(revision);
        if (!this.closed) this.options.log.warn(`watch of ${this.options.base} lost (${lost}): answering SERVFAIL until it is back`);
        attempt = 0;
        failing = false;
      } catch (err) {
        this.synced = false;
        // One line when etcd stops answering, not one per retry.
        if (!failing && !this.closed) this.options.log.error(`cannot read ${this.options.base} from ${this.options.endpoints.join(', ')}: ${(err as Error).message}`);
        failing = true;
      }
      this.stopWatch();
      if (this.closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Reads every key under the path at one revision into a new tree, and swaps it in; resolves with that revision. */
  private async load(): Promise<string> {
    const tree = new KeyTree();
    const leases = new Map<string, { ttl: number; refs: number }>();
    const rangeEnd = prefixEnd(this.prefix);
    let revision: string | undefined;
    let from = this.prefix;
    for (;;) {
      const page = await this.client.kv.range({ key: from, range_end: rangeEnd, limit: PAGE, ...(revision !== undefined && { revision }) });
      revision ??= page.header.revision;
      await this.learnLeases(page.kvs, leases);
      for (const kv of page.kvs) this.add(tree, leases, kv);
      if (!page.more || page.kvs.length === 0) break;
      from = Buffer.concat([page.kvs.at(-1)!.key, Buffer.from([0])]);
    }
    await this.applying;
    this.tree = tree;
    this.leases = leases;
    this.loaded = true;
    this.options.log.info(`${tree.size} keys under ${this.options.base} at revision ${revision}`);
    return revision;
  }

  /** Watches from just past `revision`; resolves with the reason once the watch is lost. */
  private watch(revision: string): Promise<string> {
    // watcher(), not create(): create() waits for the watch to connect, and would hold close() up while etcd is away.
    const watcher = this.client
      .watch()
      .prefix(this.prefix)
      .startRevision((BigInt(revision) + 1n).toString())
      .watcher();
    this.watcher = watcher;
    return new Promise<string>((resolve) => {
      const lost = (why: string): void => {
        this.synced = false;
        resolve(why);
      };
      watcher.on('connected', () => {
        if (!this.closed) this.synced = true;
      });
      watcher.on('data', (res: IWatchResponse) => {
        this.applying = this.applying.then(() => this.apply(res)).catch((err: unknown) => this.options.log.error(`applying a watch event: ${(err as Error).message}`));
      });
      // etcd3 would reconnect the watch itself, from its last revision; the store loads again instead, which also survives a compaction.
      watcher.on('disconnected', (err: Error) => lost(err.message));
      watcher.on('error', (err: Error) => lost(err.message));
      watcher.on('end', () => lost('the watch ended'));
      this.wake = () => lost('closing');
    });
  }

  /**
   * Cancels the watch without waiting for etcd to confirm it: etcd3 waits up to 15 s for that
   * from an etcd that does not answer, which held up a stop and the next load.
   */
  private stopWatch(): void {
    const watcher = this.watcher;
    this.watcher = null;
    if (!watcher) return;
    watcher.removeAllListeners('data');
    watcher.on('error', () => {});
    void watcher.cancel().catch(() => {});
  }

  private async apply(res: IWatchResponse): Promise<void> {
    const puts = res.events.filter((e) => e.type === 'Put').map((e) => e.kv);
    await this.learnLeases(puts, this.leases);
    for (const event of res.events) {
      // The new record takes its lease before the old one lets go of its own: it may be the same lease.
      this.release(event.type === 'Put' ? this.add(this.tree, this.leases, event.kv) : this.tree.delete(event.kv.key.toString()));
    }
  }

  /** True for the keys the path holds: `/skydns` and `/skydns/...`, not `/skydnsx`. */
  private owns(key: string): boolean {
    return key === this.options.base || key.startsWith(this.under);
  }

  /** Stores a key's record; returns the lease of the record it replaces. */
  private add(tree: KeyTree, leases: Map<string, { ttl: number; refs: number }>, kv: IKeyValue): string | null {
    const key = kv.key.toString();
    if (!this.owns(key)) return null;
    const lease = leases.get(kv.lease);
    if (lease) lease.refs++;
    let entry: Entry;
    try {
      entry = withDefaults(parseStored(kv.value.toString()), key, lease?.ttl ?? 0);
    } catch (err) {
      entry = { key, error: `${key}: ${(err as Error).message}` };
    }
    return tree.set(entry, kv.lease);
  }

  private release(id: string | null): void {
    if (id === null || id === '0') return;
    const lease = this.leases.get(id);
    if (lease && --lease.refs <= 0) this.leases.delete(id);
  }

  /**
   * The TTL of each lease the keys hold that `leases` does not know yet: its
   * granted TTL clamped to min/max-lease-ttl while it lives, 0 (none) when it
   * has expired or cannot be read.
   */
  private async learnLeases(kvs: readonly IKeyValue[], leases: Map<string, { ttl: number; refs: number }>): Promise<void> {
    const unknown = [...new Set(kvs.map((kv) => kv.lease).filter((id) => id !== '0' && !leases.has(id)))];
    const { minLeaseTtl, maxLeaseTtl } = this.options;
    await Promise.all(
      unknown.map(async (id) => {
        let ttl = 0;
        try {
          const r = await this.client.leaseClient.leaseTimeToLive({ ID: id });
          const granted = Number(r.grantedTTL);
          if (Number(r.TTL) > 0) ttl = granted < minLeaseTtl ? minLeaseTtl : granted > maxLeaseTtl ? maxLeaseTtl : granted;
        } catch {
          // CoreDNS too answers with the record's own TTL when the lease cannot be read.
        }
        leases.set(id, { ttl, refs: 0 });
      }),
    );
  }
}
