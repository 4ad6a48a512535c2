import { parentPort, workerData } from 'node:worker_threads';
import { createLogger, type Server, type Workers } from '@chaindns/core';
import { createServer } from './start.js';
import { resolveUdp } from './udp.js';
import { type FromWorker, HEARTBEAT_MS, type ToWorker, type WorkerStart } from './worker-messages.js';
import type { MetricFamily } from './workers-registry.js';
import { WORKER_ENV } from './workers.js';

/** A worker's side of publish/subscribe (the primary's values as they come, the last of each kept for late subscribers) and of gather/provide. */
class Subscriptions implements Workers {
  private readonly last = new Map<string, unknown>();
  private readonly receivers = new Map<string, Set<(value: unknown) => void>>();
  private readonly providers = new Map<string, (ask: unknown) => unknown>();

  constructor(
    readonly index: number,
    readonly count: number,
    published: WorkerStart['published'],
  ) {
    for (const [key, value] of published) this.last.set(key, value);
  }

  publish(): void {
    // Only the primary publishes.
  }

  subscribe(key: string, receive: (value: unknown) => void): () => void {
    const set = this.receivers.get(key) ?? new Set();
    this.receivers.set(key, set);
    set.add(receive);
    if (this.last.has(key)) receive(this.last.get(key));
    return () => void set.delete(receive);
  }

  gather(): Promise<unknown[]> {
    // Only the primary gathers.
    return Promise.resolve([]);
  }

  provide(key: string, answer: (ask: unknown) => unknown): () => void {
    this.providers.set(key, answer);
    return () => void (this.providers.get(key) === answer && this.providers.delete(key));
  }

  /** This worker's answer to the primary's gather of `key`; undefined when nothing provides it. */
  answer(key: string, ask: unknown): unknown {
    return this.providers.get(key)?.(ask);
  }

  deliver(key: string, value: unknown): void {
    this.last.set(key, value);
    for (const receive of this.receivers.get(key) ?? []) receive(value);
  }
}

/**
 * A worker thread: the Corefile the primary runs, served on the same ports
 * (SO_REUSEPORT: the primary's transport, native or dgram), told what the primary publishes,
 * reporting its status once a second and its metrics when asked; reloaded
 * and stopped by the primary.
 */
export async function runWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error(`${WORKER_ENV} is set, but this is no worker thread of chaindns: unset it`);
  const start = workerData as WorkerStart;
  const post = (msg: FromWorker): void => port.postMessage(msg);
  const workers = new Subscriptions(start.index, start.count, start.published);
  const logger = createLogger({ quiet: start.quiet });
  let server: Server | null = null;
  let serving = false;
  let stopping: Promise<void> | null = null;
  // Stopped before it served: nothing to drain, the exit closes what start opened.
  const stop = (): Promise<void> => (stopping ??= (serving ? server!.stop() : Promise.resolve()).then(() => process.exit(0)));
  port.on('message', (msg: ToWorker) => {
    switch (msg.type) {
      case 'publish':
        return workers.deliver(msg.key, msg.value);
      case 'reload':
        return void server?.reload(msg.corefile.path === null ? msg.corefile.text : { path: msg.corefile.path, text: msg.corefile.text }).then(
          () => post({ type: 'reloaded' }),
          (err: unknown) => post({ type: 'reloaded', error: err instanceof Error ? err.message : String(err) }),
        );
      case 'metrics':
        return void server?.registry.getMetricsAsJSON().then((families) => post({ type: 'metrics', id: msg.id, families: families as unknown as MetricFamily[] }));
      case 'gather':
        // A provider's error costs the primary this worker's part of one view, never the worker.
        return void Promise.resolve()
          .then(() => workers.answer(msg.key, msg.ask))
          .then((value) => post({ type: 'gathered', id: msg.id, value }))
          .catch((err: unknown) => {
            logger.error(`worker ${start.index}: ${msg.key}: ${err instanceof Error ? err.message : String(err)}`);
            post({ type: 'gathered', id: msg.id, value: undefined });
          });
      case 'stop':
        return void stop();
    }
  });
  try {
    const { transport } = await resolveUdp(start.udp);
    const { corefile } = start;
    server = createServer(
      {
        corefile: corefile.path === null ? corefile.text : { path: corefile.path, text: corefile.text },
        logger,
        ...(transport ? { udpTransport: transport } : {}),
        ...(start.dnsPort !== undefined ? { dnsPort: start.dnsPort } : {}),
        ...(start.pluginsFrom !== undefined ? { pluginsFrom: start.pluginsFrom } : {}),
      },
      { reusePort: true, portZero: start.portZero, workers },
    );
    await server.start();
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
  if (stopping) return;
  serving = true;
  post({ type: 'started' });
  const { status, closed } = server;
  const report = (): void => post({ type: 'status', notReady: status.notReady(), unhealthy: status.unhealthy() });
  report();
  setInterval(report, HEARTBEAT_MS).unref();
  // A plugin's fatal error (loop) stops this worker's server: the primary stops the process.
  closed.catch((err: unknown) => {
    post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  });
}
