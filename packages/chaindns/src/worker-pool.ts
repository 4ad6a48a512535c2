import { Worker } from 'node:worker_threads';
import type { CorefileSource, Logger, PeerStatus, Server, Workers } from '@chaindns/core';
import { workerResourceLimits } from './gc.js';
import { type FromWorker, HEARTBEAT_MS, type ToWorker, type WorkerCorefile, type WorkerStart } from './worker-messages.js';
import { type MetricFamily, WorkersRegistry } from './workers-registry.js';
import { WORKER_ENV } from './workers.js';

export interface PoolOptions {
  /** Threads in all, the primary (this one) included. */
  readonly count: number;
  /** The script a worker runs: the binary's own entry, which serves as a worker off the main thread. */
  readonly entry: URL;
  /** The primary's UDP transport, which the workers take too. */
  readonly udp: WorkerStart['udp'];
  readonly dnsPort: number | undefined;
  readonly quiet: boolean;
  readonly pluginsFrom: string | undefined;
  readonly log: Logger;
}

/** A worker that has not reported for this long is unhealthy (its event loop is stuck). */
const SILENT_MS = 5 * HEARTBEAT_MS;
/** A scrape waits this long for each worker's metrics. */
const METRICS_TIMEOUT_MS = 2000;
/** A gather (the dashboard's second) waits this long for each worker's answer. */
const GATHER_TIMEOUT_MS = 1000;
/** A crashed worker is started again after 250 ms, doubling to 10 s while it keeps crashing. */
const RESTART_MS = [250, 10_000] as const;
/** A worker that ran this long before it crashed starts the backoff over. */
const STEADY_MS = 30_000;

type State = 'starting' | 'running' | 'restarting' | 'stopped';

/** One worker thread, as the primary keeps it across restarts. */
interface Slot {
  readonly index: number;
  worker: Worker | null;
  state: State;
  notReady: readonly string[];
  unhealthy: readonly string[];
  beat: number;
  startedAt: number;
  crashes: number;
}

/**
 * The worker threads beside the primary (`-workers N`, `multisocket`): each
 * runs the Corefile with its own sockets on the listeners' ports. The pool
 * gives the primary's server what makes it the process's (the `Workers` its
 * plugins publish through, a registry that sums the workers' metrics, their
 * readiness and health, their reload), restarts a worker that crashes, and
 * stops them with the primary.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** The last value of each key the primary published: what a worker starting gets first. */
  private readonly published = new Map<string, unknown>();
  private readonly replies = new Map<number, (value: unknown) => void>();
  private nextId = 0;
  private primary: Server | null = null;
  private stopping = false;
  private failed!: (err: Error) => void;
  /** Rejects when a worker reports a plugin's fatal error: the process stops, as with the primary's own. */
  readonly fatal: Promise<never> = new Promise((_resolve, reject) => {
    this.failed = reject;
  });

  readonly workers: Workers;
  readonly registry = new WorkersRegistry(() => this.collect());
  readonly peerStatus: PeerStatus = {
    notReady: () => this.notReady(),
    unhealthy: () => this.unhealthy(),
  };

  constructor(private readonly options: PoolOptions) {
    this.fatal.catch(() => {});
    for (let index = 1; index < options.count; index++) this.slots.push({ index, worker: null, state: 'stopped', notReady: [], unhealthy: [], beat: 0, startedAt: 0, crashes: 0 });
    this.workers = {
      index: 0,
      count: options.count,
      publish: (key, value) => {
        this.published.set(key, value);
        // Starting ones too: a worker waits for what it needs (kubernetes, its synced index) before it serves.
        for (const slot of this.slots) slot.worker?.postMessage({ type: 'publish', key, value } satisfies ToWorker);
      },
      subscribe: () => () => {},
      gather: async (key, ask) => (await this.request((id) => ({ type: 'gather', id, key, ask }), GATHER_TIMEOUT_MS)).filter((v) => v !== undefined),
      provide: () => () => {},
    };
  }

  /** Starts every worker on the ports `primary` listens on; rejects when one cannot start. */
  async start(primary: Server): Promise<void> {
    this.primary = primary;
    await Promise.all(this.slots.map((slot) => this.spawn(slot)));
    this.options.log.info(`${this.options.count} workers serve (the primary and ${this.slots.length} more)`);
  }

  /** Reloads every worker with the Corefile the primary just loaded. */
  reload(source: CorefileSource): void {
    const corefile: WorkerCorefile = { path: source.path, text: source.text };
    this.send({ type: 'reload', corefile });
  }

  /** Stops every worker (each runs its lameduck, stops taking queries and answers those it took). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        if (!worker) return;
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage({ type: 'stop' } satisfies ToWorker);
        await exited;
      }),
    );
  }

  private send(message: ToWorker): void {
    for (const slot of this.slots) if (slot.state === 'running') slot.worker!.postMessage(message);
  }

  /** Starts the worker of `slot`; resolves once it serves, rejects when it could not start. */
  private spawn(slot: Slot): Promise<void> {
    const primary = this.primary!;
    const source = primary.corefile!;
    const data: WorkerStart = {
      index: slot.index,
      count: this.options.count,
      udp: this.options.udp,
      corefile: { path: source.path, text: source.text },
      dnsPort: this.options.dnsPort,
      portZero: primary.portZero(),
      quiet: this.options.quiet,
      pluginsFrom: this.options.pluginsFrom,
      published: [...this.published],
    };
    const resourceLimits = workerResourceLimits();
    const worker = new Worker(this.options.entry, { workerData: data, env: { ...process.env, [WORKER_ENV]: '1' }, ...(resourceLimits ? { resourceLimits } : {}) });
    slot.worker = worker;
    slot.state = 'starting';
    slot.startedAt = Date.now();
    return new Promise((resolve, reject) => {
      let error: Error | null = null;
      worker.on('message', (msg: FromWorker) => {
        if (msg.type === 'started') {
          slot.state = 'running';
          slot.beat = Date.now();
          resolve();
        } else if (msg.type === 'failed') {
          error = new Error(`worker ${slot.index}: ${msg.message}`);
        } else {
          this.receive(slot, msg);
        }
      });
      // An uncaught exception: the thread ends, and 'exit' follows.
      worker.on('error', (err) => {
        error = err;
        this.options.log.error(`worker ${slot.index} crashed: ${err.stack ?? err.message}`);
      });
      worker.on('exit', (code) => {
        const was = slot.state;
        slot.worker = null;
        slot.state = 'stopped';
        if (was === 'starting') return reject(error ?? new Error(`worker ${slot.index} exited with code ${code} before it served`));
        if (!this.stopping) this.restart(slot, `exited with code ${code}`);
      });
    });
  }

  /** A worker that ended on its own is started again, after a backoff while it keeps crashing. */
  private restart(slot: Slot, why: string): void {
    slot.crashes = Date.now() - slot.startedAt > STEADY_MS ? 1 : slot.crashes + 1;
    const delay = Math.min(RESTART_MS[1], RESTART_MS[0] * 2 ** (slot.crashes - 1));
    this.options.log.error(`worker ${slot.index} ${why}; restarting it in ${delay} ms`);
    slot.state = 'restarting';
    setTimeout(() => {
      if (this.stopping) return;
      this.spawn(slot).then(
        () => this.options.log.info(`worker ${slot.index} restarted`),
        (err: unknown) => this.restart(slot, `did not start again (${err instanceof Error ? err.message : String(err)})`),
      );
    }, delay).unref();
  }

  private receive(slot: Slot, msg: FromWorker): void {
    switch (msg.type) {
      case 'status':
        slot.notReady = msg.notReady;
        slot.unhealthy = msg.unhealthy;
        slot.beat = Date.now();
        return;
      case 'metrics':
        this.replies.get(msg.id)?.(msg.families);
        return;
      case 'gathered':
        this.replies.get(msg.id)?.(msg.value);
        return;
      case 'reloaded':
        if (msg.error) this.options.log.error(`worker ${slot.index}: reload failed, its old config keeps serving: ${msg.error}`);
        return;
      case 'fatal':
        this.failed(new Error(`worker ${slot.index}: ${msg.message}`));
        return;
    }
  }

  /** Every serving worker's metrics, those that answer in time. */
  private async collect(): Promise<MetricFamily[][]> {
    return (await this.request((id) => ({ type: 'metrics', id }), METRICS_TIMEOUT_MS)).map((families) => (families ?? []) as MetricFamily[]);
  }

  /** Sends every serving worker the message `make` gives for a reply id; resolves with their replies (undefined: none in `timeoutMs`). */
  private request(make: (id: number) => ToWorker, timeoutMs: number): Promise<unknown[]> {
    const running = this.slots.filter((s) => s.state === 'running');
    return Promise.all(
      running.map(
        (slot) =>
          new Promise<unknown>((resolve) => {
            const id = this.nextId++;
            const done = (value: unknown): void => {
              clearTimeout(timer);
              this.replies.delete(id);
              resolve(value);
            };
            const timer = setTimeout(() => done(undefined), timeoutMs);
            this.replies.set(id, done);
            slot.worker!.postMessage(make(id));
          }),
      ),
    );
  }

  /** Workers not serving (starting, restarting), and what the serving ones report not ready. */
  private notReady(): string[] {
    const names = new Set<string>();
    for (const slot of this.slots) {
      if (slot.state !== 'running') names.add(`worker ${slot.index}`);
      else for (const name of slot.notReady) names.add(name);
    }
    return [...names];
  }

  /** Workers whose heartbeat stopped (a stuck event loop), and what the others report failing. */
  private unhealthy(): string[] {
    const names = new Set<string>();
    const now = Date.now();
    for (const slot of this.slots) {
      if (slot.state !== 'running') continue;
      if (now - slot.beat > SILENT_MS) names.add(`worker ${slot.index}`);
      for (const name of slot.unhealthy) names.add(name);
    }
    return [...names];
  }
}
