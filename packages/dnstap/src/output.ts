import type { Logger } from '@chaindns/core';
import type { FrameQueue } from './frame-queue.js';

export interface OutputTiming {
  /** A batch waits this long for more frames. */
  readonly flushMs: number;
  /** The connect and handshake, and the closing FINISH, wait this long (CoreDNS's 4s). */
  readonly timeoutMs: number;
  /** The first reconnect waits this long, each next one twice as long, up to retryMaxMs. */
  readonly retryMs: number;
  /** CoreDNS redials at least every 10s. */
  readonly retryMaxMs: number;
  /** Dropped messages are logged at most this often (CoreDNS: every 10s). */
  readonly reportMs: number;
}

export const DEFAULT_TIMING: OutputTiming = { flushMs: 100, timeoutMs: 4000, retryMs: 250, retryMaxMs: 10_000, reportMs: 10_000 };

/** Where the taps of every block write: a connection to a receiver, or a listener's sinks. */
export interface TapOutput {
  readonly queue: FrameQueue;
  close(): Promise<void>;
}

/**
 * Logs CoreDNS's warning for the messages `queue` dropped, once per
 * `everyMs` that had drops. The returned function logs what is left and stops.
 */
export function reportDrops(queue: FrameQueue, log: Logger, everyMs: number): () => void {
  let reported = 0;
  const report = (): void => {
    const n = queue.dropped - reported;
    if (n === 0) return;
    reported = queue.dropped;
    log.warn(`Dropped dnstap messages: ${n}`);
  };
  const timer = setInterval(report, everyMs).unref();
  return () => {
    clearInterval(timer);
    report();
  };
}
