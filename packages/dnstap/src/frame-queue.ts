/** Where batches go: an outgoing connection, or the sinks of a listener. */
export interface BatchOutput {
  /** True when a batch handed over now is taken. */
  readonly ready: boolean;
  /** Takes a batch of `count` whole data frames. */
  write(batch: Buffer, count: number): void;
}

export interface FrameQueueOptions {
  /** Messages that may wait for the output; past them messages are dropped and counted (`queue` x 10,000). */
  readonly maxMessages: number;
  /** A batch waits this long for more frames before it is written. */
  readonly flushMs: number;
}

/** Frames are written into chunks of this size; a batch is a slice of one. */
const CHUNK_BYTES = 256 * 1024;
/** A batch this large is written at once, without waiting for the timer. */
const BATCH_BYTES = 64 * 1024;

/**
 * The bounded queue in front of an output. A tap reserves a data frame and
 * encodes its payload in place, into a chunk shared by many frames; the
 * frames since the last cut are written together as one slice of that chunk
 * (one write for hundreds of messages, no copy). While the output takes
 * nothing (connecting, gone, or full), cut batches wait, up to `maxMessages`
 * messages; past them a message is dropped and counted. The query that tapped
 * never waits: reserving is a bounds check and an offset.
 */
export class FrameQueue {
  /** The chunk the current frame is encoded into (valid right after reserve). */
  chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Messages dropped since the count was last taken. */
  dropped = 0;
  private start = 0;
  private end = 0;
  private inBatch = 0;
  private readonly waiting: Array<{ batch: Buffer; count: number }> = [];
  private queued = 0;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Immediate | null = null;

  constructor(
    private readonly output: BatchOutput,
    private readonly options: FrameQueueOptions,
  ) {}

  /**
   * Room for one data frame of `size` payload bytes: the payload goes at the
   * returned offset of `chunk`. -1 when the queue is full (the message is
   * dropped and counted).
   */
  reserve(size: number): number {
    if (this.queued >= this.options.maxMessages) {
      this.dropped++;
      return -1;
    }
    if (this.end + 4 + size > this.chunk.length) {
      this.cut();
      this.chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 4 + size));
      this.start = this.end = 0;
    }
    this.chunk.writeUInt32BE(size, this.end);
    const at = this.end + 4;
    this.end = at + size;
    this.inBatch++;
    this.queued++;
    // A full batch goes out after the current work (this frame is written into once reserve returns), not in the query's own turn.
    if (this.end - this.start >= BATCH_BYTES) this.soon ??= setImmediate(this.flush);
    else this.timer ??= setTimeout(this.flush, this.options.flushMs).unref();
    return at;
  }

  /** Messages not yet taken by the output. */
  get pending(): number {
    return this.queued;
  }

  /** Cuts the current batch and hands the output what it takes; called again when the output becomes ready. */
  readonly flush = (): void => {
    this.stopTimers();
    this.cut();
    while (this.waiting.length > 0 && this.output.ready) {
      const { batch, count } = this.waiting.shift()!;
      this.queued -= count;
      this.output.write(batch, count);
    }
  };

  /** Takes every waiting batch, whether the output is ready or not (a last write before closing). */
  takeAll(): Buffer[] {
    this.stopTimers();
    this.cut();
    this.queued = 0;
    return this.waiting.splice(0).map((w) => w.batch);
  }

  private stopTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = this.soon = null;
  }

  private cut(): void {
    if (this.inBatch === 0) return;
    this.waiting.push({ batch: this.chunk.subarray(this.start, this.end), count: this.inBatch });
    this.start = this.end;
    this.inBatch = 0;
  }
}
