/**
 * The threads of one process that each run the Corefile, as a plugin sees them (the chaindns
 * binary's `-workers N` and `multisocket`: each thread has its own sockets on the listeners'
 * ports and its own chain). A server alone in its process is worker 0 of 1 (SOLE_WORKER).
 */
export interface Workers {
  /**
   * This thread's number. 0 is the primary: it holds what the process has once (HTTP listeners
   * of health, ready and /metrics, watches of an API or of files, the process's own metrics) and
   * reports for all; the others serve queries and count their own metrics, which the primary sums.
   */
  readonly index: number;
  /** How many threads serve, the primary included. */
  readonly count: number;
  /**
   * Primary: hands `value` to the other workers' subscribers of `key` (a worker started later,
   * or restarted, receives the last one). It is structured-cloned: a SharedArrayBuffer in it is
   * shared, not copied, which is how state that is dear to copy (an index) is kept once.
   */
  publish(key: string, value: unknown): void;
  /** Other workers: calls `receive` with each value the primary publishes under `key`, the last one at once. Returns what ends it. */
  subscribe(key: string, receive: (value: unknown) => void): () => void;
  /**
   * Primary: asks every other serving worker for its answer to `key` now (`ask` is handed to it),
   * and resolves with the answers of those that give one within a second: what the primary sums
   * into a view of the process (the dashboard's). Alone, or with no worker providing `key`: [].
   */
  gather(key: string, ask?: unknown): Promise<unknown[]>;
  /** Other workers: answers the primary's `gather` of `key` with what `answer` returns, or the promise resolves with (structured-cloned). Returns what ends it. */
  provide(key: string, answer: (ask: unknown) => unknown): () => void;
}

/** A server alone in its process: the primary of one, with no one to publish to. */
export const SOLE_WORKER: Workers = Object.freeze({
  index: 0,
  count: 1,
  publish: () => {},
  subscribe: () => () => {},
  gather: () => Promise.resolve([]),
  provide: () => () => {},
});
