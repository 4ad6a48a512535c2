/** Where log lines go: process.stdout by default, any Writable in tests or when embedding. */
export interface OutputStream {
  /** As stream.Writable: false asks the writer to wait for 'drain'. */
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface SinkOptions {
  /** Write as soon as this many bytes are waiting. Default 64 KiB. */
  readonly batchBytes?: number;
  /** Write at the latest this long after a line arrived. Default 100ms. */
  readonly flushMs?: number;
  /** While the output does not drain, keep at most this many bytes; drop lines beyond it (and say so). Default 4 MiB. */
  readonly maxPendingBytes?: number;
}

/**
 * A buffered line writer that never makes a query wait on the output: lines
 * are joined into one write per batch (one syscall for hundreds of lines),
 * on a short timer or when the batch is full. While the output applies
 * backpressure, lines wait in memory up to a bound, then are counted and
 * dropped, and a warning says how many once it drains.
 */
export class LineSink {
  private pending: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private blocked = false;
  private dropped = 0;
  private readonly batchBytes: number;
  private readonly flushMs: number;
  private readonly maxPendingBytes: number;

  constructor(
    private readonly out: OutputStream,
    options: SinkOptions = {},
  ) {
    this.batchBytes = options.batchBytes ?? 64 * 1024;
    this.flushMs = options.flushMs ?? 100;
    this.maxPendingBytes = options.maxPendingBytes ?? 4 * 1024 * 1024;
  }

  /** Queues one line (without its newline). */
  write(line: string): void {
    if (this.blocked && this.bytes >= this.maxPendingBytes) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.bytes += line.length + 1;
    if (this.bytes >= this.batchBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  /** Writes what is waiting, unless the output asked to wait for 'drain'. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.blocked || this.pending.length === 0) return;
    if (!this.writeOut()) {
      this.blocked = true;
      this.out.once('drain', () => {
        this.blocked = false;
        this.reportDropped();
        this.flush();
      });
    }
  }

  /** Writes everything still waiting, whatever the backpressure (on shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.reportDropped();
    if (this.pending.length > 0) this.writeOut();
  }

  private reportDropped(): void {
    if (this.dropped === 0) return;
    this.pending.unshift(`[WARNING] plugin/log: ${this.dropped} query log lines dropped: the output did not keep up`);
    this.bytes += this.pending[0]!.length + 1;
    this.dropped = 0;
  }

  private writeOut(): boolean {
    const chunk = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.bytes = 0;
    return this.out.write(chunk);
  }
}
