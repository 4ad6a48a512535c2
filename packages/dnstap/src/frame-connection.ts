import type { Socket } from 'node:net';
import { CONTENT_TYPE, Control, type ControlMessage, ControlReader, controlFrame } from './frame-stream.js';

export interface FrameConnectionOptions {
  /** Bytes that may wait in the connection's buffer; past them the connection takes no batch until it drains (`writebuffer`). */
  readonly writeBufferBytes: number;
  /** The handshake (and the connect before it) and the closing FINISH wait this long at most. */
  readonly timeoutMs: number;
  /** The handshake finished: batches may be written. */
  readonly onOpen: () => void;
  /** The connection takes batches again after it was full. */
  readonly onDrain: () => void;
  /** The socket closed; `error` says why when it was not our close. */
  readonly onClose: (error: Error | null) => void;
}

/**
 * One socket on which chaindns is the Frame Streams writer: an outgoing
 * connection to a receiver, or a sink that connected to `dnstap listen`.
 * READY goes out at once (a connecting socket buffers it), the reader's
 * ACCEPT must name dnstap's content type, then START opens it for data.
 */
export class FrameConnection {
  private state: 'handshake' | 'open' | 'closing' | 'closed' = 'handshake';
  private full = false;
  private readonly reader = new ControlReader();
  private timer: NodeJS.Timeout | null;
  private closeError: Error | null = null;
  private finished: (() => void) | null = null;
  private readonly openWaiters: Array<(open: boolean) => void> = [];

  constructor(
    private readonly socket: Socket,
    private readonly options: FrameConnectionOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('end', () => this.fail(this.state === 'closing' ? null : new Error('the receiver closed the connection')));
    socket.on('close', () => {
      this.state = 'closed';
      this.clearTimer();
      this.finished?.();
      for (const w of this.openWaiters.splice(0)) w(false);
      options.onClose(this.closeError);
    });
    socket.on('drain', () => {
      if (!this.full || socket.writableLength >= options.writeBufferBytes) return;
      this.full = false;
      if (this.state === 'open') options.onDrain();
    });
    this.timer = setTimeout(() => this.fail(new Error(`no Frame Streams handshake within ${options.timeoutMs}ms`)), options.timeoutMs).unref();
    socket.write(controlFrame(Control.READY));
  }

  /** The handshake finished and it is not closing. */
  get open(): boolean {
    return this.state === 'open';
  }

  /** Open and not full: a batch written now goes out without waiting behind the buffer. */
  get writable(): boolean {
    return this.state === 'open' && !this.full;
  }

  /** Resolves true once the handshake is done (at once when it is), false if the connection closes first. */
  whenOpen(): Promise<boolean> {
    if (this.state !== 'handshake') return Promise.resolve(this.state === 'open');
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  /** Writes a batch of data frames (whole frames only). */
  write(batch: Buffer): void {
    this.socket.write(batch);
    if (this.socket.writableLength >= this.options.writeBufferBytes) this.full = true;
  }

  /** Sends STOP and waits for FINISH (at most the timeout), then closes; an unopened connection just closes. */
  close(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    if (this.state === 'open') {
      this.state = 'closing';
      this.socket.write(controlFrame(Control.STOP, null));
      this.clearTimer();
      this.timer = setTimeout(() => this.socket.destroy(), this.options.timeoutMs).unref();
    } else {
      this.state = 'closing';
      this.socket.destroy();
    }
    return done;
  }

  private read(chunk: Buffer): void {
    let frames: ControlMessage[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      return this.fail(new Error(`Frame Streams: ${(err as Error).message}`));
    }
    for (const f of frames) {
      if (this.state === 'handshake' && f.type === Control.ACCEPT) {
        if (f.contentTypes.length > 0 && !f.contentTypes.includes(CONTENT_TYPE)) return this.fail(new Error(`the receiver accepts ${f.contentTypes.join(', ')}, not ${CONTENT_TYPE}`));
        this.clearTimer();
        this.state = 'open';
        this.socket.write(controlFrame(Control.START));
        for (const w of this.openWaiters.splice(0)) w(true);
        this.options.onOpen();
      } else if (this.state === 'closing' && f.type === Control.FINISH) {
        this.socket.end();
      } else if (this.state !== 'closing') {
        return this.fail(new Error(`Frame Streams: unexpected control frame ${f.type}`));
      }
    }
  }

  private fail(err: Error | null): void {
    if (this.state === 'closed') return;
    if (this.state !== 'closing') this.closeError ??= err;
    this.socket.destroy();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
