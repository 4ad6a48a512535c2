/** Where lines go: process.stdout, or any stream.Writable. */
export interface OutputStream {
  /** As stream.Writable: false asks the writer to wait for 'drain'. */
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface LineWriterOptions {
  /** Lines wait up to this long to be written together in one write; 0 writes each line at once. Default 0. */
  readonly flushMs?: number;
  /** With `flushMs`, a batch is written as soon as this many bytes wait. Default 64 KiB. */
  readonly batchBytes?: number;
  /** While the output does not drain, at most this many bytes wait; later lines are dropped and counted. Default 256 KiB. */
  readonly maxPendingBytes?: number;
  /** The line that says how many lines were dropped, written once the output drains. */
  readonly droppedLine?: (count: number) => string;
}

/**
 * A line writer that never makes its caller wait and never queues without
 * bound. Node's stdout is asynchronous on a pipe: written faster than the
 * reader takes it, it would buffer everything, and a log line written now
 * would come out minutes late. While the output applies backpressure, lines
 * wait here up to a bound, then are dropped and counted, and one line says
 * how many once the output drains. With `flushMs`, lines are joined into one
 * write per batch (one syscall for hundreds of lines).
 */
export class LineWriter {
  private pending: string[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private blocked = false;
  private dropped = 0;
  private readonly flushMs: number;
  private readonly batchBytes: number;
  private readonly maxPendingBytes: number;
  private readonly droppedLine: (count: number) => string;

  constructor(
    private readonly out: OutputStream,
    options: LineWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 0;
    this.batchBytes = options.batchBytes ?? 64 * 1024;
    this.maxPendingBytes = options.maxPendingBytes ?? 256 * 1024;
    this.droppedLine = options.droppedLine ?? ((n) => `[WARNING] ${n} log lines dropped: the output did not keep up`);
  }

  /** Writes or queues one line (without its newline). */
  write(line: string): void {
    if (this.blocked) {
      if (this.bytes >= this.maxPendingBytes) {
        this.dropped++;
        return;
      }
    } else if (this.flushMs === 0) {
      this.send(`${line}\n`);
      return;
    }
    this.pending.push(line);
    this.bytes += line.length + 1;
    if (this.blocked) return;
    if (this.bytes >= this.batchBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs).unref();
  }

  /** Writes what is waiting, unless the output asked to wait for 'drain'. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.blocked || this.pending.length === 0) return;
    this.send(this.take());
  }

  /** Writes everything still waiting, whatever the backpressure (on shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.noteDropped();
    if (this.pending.length > 0) this.out.write(this.take());
  }

  private send(chunk: string): void {
    if (this.out.write(chunk)) return;
    this.blocked = true;
    this.out.once('drain', () => {
      this.blocked = false;
      this.noteDropped();
      this.flush();
    });
  }

  /** Queues the count of dropped lines after the lines that waited (they came first). */
  private noteDropped(): void {
    if (this.dropped === 0) return;
    const line = this.droppedLine(this.dropped);
    this.pending.push(line);
    this.bytes += line.length + 1;
    this.dropped = 0;
  }

  private take(): string {
    const chunk = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.bytes = 0;
    return chunk;
  }
}
