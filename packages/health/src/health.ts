import type { Agent as HttpAgent } from 'node:http';
import type { Logger, ServerStatus } from '@chaindns/core';
import { type HttpAnswer, OK } from './http.js';
import type { HealthMetrics } from './metrics.js';

// Node's CommonJS face of it: the ESM one of node:http reads every export, which loads undici, TLS and HTTP/2 (CONTRIBUTING.md).
const { Agent, get } = process.getBuiltinModule('node:http');

/** `/health`: 200 `OK` while every liveness check passes (the lameduck included), else 503 and the failing names. */
export function healthAnswer(status: ServerStatus): HttpAnswer {
  const failing = status.unhealthy();
  return failing.length === 0 ? OK : { status: 503, body: failing.join(',') };
}

export interface ProbeOptions {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
}

/**
 * Asks `url` once a second, as CoreDNS's health plugin asks its own
 * /health: a slow answer shows the process is struggling with its load. A
 * probe still running when the next is due is not doubled. The timer does
 * not keep the process alive; `stop()` also abandons a probe in flight.
 * node:http, not fetch: the first fetch loads undici, about 20 MB of RSS
 * (bench/README.md, "Footprint").
 */
export function startProbe(url: string, metrics: HealthMetrics, log: Logger, options: ProbeOptions = {}): { stop(): void } {
  const { intervalMs = 1000, timeoutMs = 3000 } = options;
  const stopped = new AbortController();
  // One connection, kept open between probes as Go's client keeps it.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let busy = false;
  const probe = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    const start = performance.now();
    try {
      const status = await fetchStatus(url, agent, AbortSignal.any([stopped.signal, AbortSignal.timeout(timeoutMs)]));
      if (status !== 200) throw new Error(`status ${status}`);
      const seconds = (performance.now() - start) / 1000;
      metrics.duration.observe(seconds);
      if (seconds > 1) log.warn(`Local health request to "${url}" took more than 1s: ${seconds.toFixed(3)}s`);
    } catch (err) {
      if (stopped.signal.aborted) return;
      metrics.duration.observe((performance.now() - start) / 1000);
      metrics.failures.inc();
      log.warn(`Local health request to "${url}" failed: ${reason(err)}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(probe, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      stopped.abort();
      agent.destroy();
    },
  };
}

/** GETs `url` and reads the body to its end (so the connection is kept for the next probe); resolves with the status. */
function fetchStatus(url: string, agent: HttpAgent, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, signal }, (res) => {
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.resume();
    }).on('error', reject);
  });
}

/** Waits out the lameduck: the server keeps answering DNS and /health meanwhile; /ready already says 503. */
export async function lameduck(ms: number, log: Logger): Promise<void> {
  log.info(`Going into lameduck mode for ${ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`}`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // An aborted request says "The operation was aborted"; its cause says why (a timeout).
  return err.cause instanceof Error ? err.cause.message : err.message;
}
