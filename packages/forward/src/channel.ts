import { randomFillSync } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { HEADER_SIZE } from '@chaindns/core';
import type { OwnEndpoints } from './own-endpoints.js';

/** Why a try failed: the upstream did not answer in time, refused, closed, or we would not send. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /**
     * The connection closed under this query while it waited behind an
     * earlier one, or after it had answered others: an upstream may hang up
     * after any answer (one query per connection, a limit per connection,
     * idle) or when it cannot answer the query in front. The query goes
     * again on another connection.
     */
    readonly resend = false,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** A try that never left this process (too many queries in flight, or shut down): no sign of the upstream's health. */
export class LocalError extends UpstreamError {
  override name = 'LocalError';
}

/** Query IDs from the system's CSPRNG (an off-path spoofer must guess them), drawn in batches. */
const idBatch = new Uint16Array(2048);
let idNext = idBatch.length;
export function randomId(): number {
  if (idNext === idBatch.length) {
    randomFillSync(idBatch);
    idNext = 0;
  }
  return idBatch[idNext++]!;
}

/**
 * True when `reply` is a response whose one question is the question of
 * `query` (bytes 12 to `questionEnd`): the name compared without ASCII case,
 * type and class exactly. A question name can hold no compression pointer
 * (nothing precedes it to point at), so comparing bytes is exact.
 */
export function sameQuestion(reply: Uint8Array, query: Uint8Array, questionEnd: number): boolean {
  if (reply.length < questionEnd || (reply[2]! & 0x80) === 0 || reply[4] !== 0 || reply[5] !== 1) return false;
  const nameEnd = questionEnd - 4;
  for (let i = HEADER_SIZE; i < nameEnd; i++) {
    const a = reply[i]!;
    const b = query[i]!;
    // Length octets are below 64, so folding 'A'-'Z' can only touch label text.
    if (a !== b && ((a | 0x20) !== (b | 0x20) || (a | 0x20) < 0x61 || (a | 0x20) > 0x7a)) return false;
  }
  for (let i = nameEnd; i < questionEnd; i++) if (reply[i] !== query[i]) return false;
  return true;
}

interface Pending {
  readonly query: Buffer;
  readonly questionEnd: number;
  /** Health checks take whatever reply has the right ID (to CoreDNS, a header is a sign of life). */
  readonly anyReply: boolean;
  readonly resolve: (reply: Buffer) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One socket or connection to an upstream carrying many queries at once,
 * told apart by a fresh random ID per query. A reply is taken only when its
 * ID is in flight and its question is the query's; anything else is dropped
 * (and counted through `onDrop`) while the query waits on.
 */
export abstract class Channel {
  readonly pending = new Map<number, Pending>();
  /** When the last query was sent or the last reply came (performance.now()). */
  lastUsed = performance.now();
  /** Replies taken so far: a connection that answered some and then closed may be replaced by a new one. */
  answered = 0;
  closed = false;

  constructor(private readonly onDrop: (reason: 'id' | 'question') => void) {}

  /** Open, and either busy or used within the last `expireMs`: fit to carry another query. */
  usable(now: number, expireMs: number): boolean {
    return !this.closed && (this.pending.size > 0 || now - this.lastUsed <= expireMs);
  }

  /** Sends `query` (see upstreamQuery; left untouched) with a new ID; resolves with the reply's bytes. */
  exchange(query: Buffer, questionEnd: number, timeoutMs: number, anyReply = false): Promise<Buffer> {
    let id = randomId();
    while (this.pending.has(id)) id = randomId();
    this.lastUsed = performance.now();
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new UpstreamError(`${this.describe()}: no reply within ${Math.round(timeoutMs)}ms`));
      }, timeoutMs);
      this.pending.set(id, { query, questionEnd, anyReply, resolve, reject, timer });
      try {
        this.write(query, id);
      } catch (err) {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new UpstreamError(`${this.describe()}: ${(err as Error).message}`));
      }
    });
  }

  /** A message from the upstream. */
  protected receive(reply: Buffer): void {
    const p = reply.length >= HEADER_SIZE ? this.pending.get((reply[0]! << 8) | reply[1]!) : undefined;
    if (!p) return this.onDrop('id');
    if (!p.anyReply && !sameQuestion(reply, p.query, p.questionEnd)) return this.onDrop('question');
    this.pending.delete((reply[0]! << 8) | reply[1]!);
    clearTimeout(p.timer);
    this.lastUsed = performance.now();
    this.answered++;
    p.resolve(reply);
  }

  /**
   * Fails every query in flight: the socket errored, or an open connection
   * `closed`. Then the oldest query (the one the upstream may have hung up
   * on) fails for good unless the connection had answered others; those
   * behind it are sent again (UpstreamError.resend).
   */
  protected failAll(message: string, closed = false): void {
    let first = true;
    // `pending` keeps the order the queries were sent in.
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new UpstreamError(`${this.describe()}: ${message}`, closed && (!first || this.answered > 0)));
      first = false;
    }
    this.pending.clear();
  }

  /** A copy of the query with `id`, framed as the transport needs, sent. */
  protected abstract write(query: Buffer, id: number): void;
  protected abstract describe(): string;
  abstract close(): void;
}

/** Where a channel connects, and what it tells the forward instance about its own end. */
export interface Target {
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** `host:port`, for messages and labels. */
  readonly addr: string;
  readonly own: OwnEndpoints;
  /** Client options for DNS over TLS; null for plain TCP. */
  readonly tls: ConnectionOptions | null;
}
