import type { MetricFamily } from './workers-registry.js';

/** The Corefile a worker runs: the primary's, as it read it (text), and where from (imports, reload). */
export interface WorkerCorefile {
  readonly path: string | null;
  readonly text: string;
}

/** What a worker thread is started with (`workerData`). */
export interface WorkerStart {
  readonly index: number;
  readonly count: number;
  /** The primary's UDP transport: the native one, or dgram (Node.js 22.12+, which shares ports). */
  readonly udp: 'native' | 'dgram';
  readonly corefile: WorkerCorefile;
  readonly dnsPort: number | undefined;
  /** The ports the primary's port-0 keys got, which the worker's take too. */
  readonly portZero: Readonly<Record<string, number>>;
  readonly quiet: boolean;
  readonly pluginsFrom: string | undefined;
  /** The primary's last value of each key published so far. */
  readonly published: readonly (readonly [string, unknown])[];
}

/** From the primary to a worker. */
export type ToWorker =
  | { readonly type: 'publish'; readonly key: string; readonly value: unknown }
  | { readonly type: 'reload'; readonly corefile: WorkerCorefile }
  | { readonly type: 'metrics'; readonly id: number }
  /** `Workers.gather`: the worker's answer to `key`. */
  | { readonly type: 'gather'; readonly id: number; readonly key: string; readonly ask: unknown }
  | { readonly type: 'stop' };

/** From a worker to the primary. */
export type FromWorker =
  | { readonly type: 'started' }
  | { readonly type: 'failed'; readonly message: string }
  /** Sent once a second: the checks not ready and not healthy (the heartbeat the primary's health reads). */
  | { readonly type: 'status'; readonly notReady: readonly string[]; readonly unhealthy: readonly string[] }
  | { readonly type: 'metrics'; readonly id: number; readonly families: readonly MetricFamily[] }
  /** The answer to a `gather`: undefined when nothing provides its key. */
  | { readonly type: 'gathered'; readonly id: number; readonly value: unknown }
  | { readonly type: 'reloaded'; readonly error?: string }
  /** A plugin's fatal error (loop): the process stops, as CoreDNS's log.Fatal. */
  | { readonly type: 'fatal'; readonly message: string };

/** How often a worker reports its status. */
export const HEARTBEAT_MS = 1000;
