/** The most one watch event may hold: it is one object, and etcd refuses any over 1.5 MiB by default. */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;

/**
 * A watch's body, newline-delimited JSON events (`{"type":"ADDED","object":{...}}`), read as it
 * streams in: each whole line is parsed and handed over at once; a line cut by a chunk's end waits
 * for the rest of it, up to MAX_EVENT_BYTES.
 */
export class WatchEventReader {
  private held: Buffer[] = [];
  private heldLength = 0;

  constructor(private readonly onEvent: (type: string, object: unknown) => void) {}

  /** Reads the next chunk. Throws on a line that is not an event, and on one over the limit. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      let line = chunk.subarray(start, newline);
      if (this.heldLength > 0) {
        this.held.push(line);
        line = Buffer.concat(this.held, this.heldLength + line.length);
        this.held = [];
        this.heldLength = 0;
      }
      start = newline + 1;
      this.line(line);
    }
    if (start === chunk.length) return;
    this.heldLength += chunk.length - start;
    if (this.heldLength > MAX_EVENT_BYTES) throw new Error(`a watch event of more than ${MAX_EVENT_BYTES} bytes`);
    this.held.push(chunk.subarray(start));
  }

  /** After the body's last byte: a last event without its newline counts too. */
  end(): void {
    if (this.heldLength === 0) return;
    const line = Buffer.concat(this.held, this.heldLength);
    this.held = [];
    this.heldLength = 0;
    this.line(line);
  }

  private line(bytes: Buffer): void {
    const text = bytes.toString('utf8').trim();
    if (!text) return;
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(text) as typeof event;
    } catch (err) {
      throw new Error(`bad JSON in a watch event: ${(err as Error).message}`);
    }
    if (typeof event.type !== 'string' || typeof event.object !== 'object' || event.object === null) {
      throw new Error(`a watch event without a type and an object: ${text.slice(0, 200)}`);
    }
    this.onEvent(event.type, event.object);
  }
}
