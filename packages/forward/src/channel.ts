import { randomFillSync } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import { HEADER_SIZE, clockNow } from '@chaindns/core';
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

/**
 * A query in flight on a channel: the bytes it sent (upstreamQuery's, with the
 * try's ID patched in) and who hears how it ended. One object per query
 * carries it through all its tries, so a try allocates nothing.
 */
export interface Waiter {
  readonly query: Buffer;
  readonly questionEnd: number;
  /** Health checks take whatever reply has the right ID (to CoreDNS, a header is a sign of life). */
  readonly anyReply: boolean;
  /** This try's time, and when it gives up (performance.now()); the channel sets both. */
  timeoutMs: number;
  deadline: number;
  /** The reply, its ID and question checked. */
  answer(reply: Buffer): void;
  /** No reply in time, or the socket failed or closed under it. */
  fail(err: UpstreamError): void;
}

/** How much later than its deadline a try may be failed: timeouts due within it are taken by one timer run. */
const TIMER_SLACK_MS = 5;

/**
 * One socket or connection to an upstream carrying many queries at once,
 * told apart by a fresh random ID per query. A reply is taken only when its
 * ID is in flight and its question is the query's; anything else is dropped
 * (and counted through `onDrop`) while the query waits on. One timer per
 * channel, armed for the earliest deadline, times the tries out: most
 * replies come long before it fires, so a query costs no timer of its own.
 */
export abstract class Channel {
  readonly pending = new Map<number, Waiter>();
  /** When the last query was sent or the last reply came (performance.now()). */
  lastUsed = performance.now();
  /** Replies taken so far: a connection that answered some and then closed may be replaced by a new one. */
  answered = 0;
  closed = false;
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires (performance.now()); Infinity when unarmed. */
  private timerAt = Infinity;

  constructor(private readonly onDrop: (reason: 'id' | 'question', reply: Buffer) => void) {}

  /** Open, and either busy or used within the last `expireMs`: fit to carry another query. */
  usable(now: number, expireMs: number): boolean {
    return !this.closed && (this.pending.size > 0 || now - this.lastUsed <= expireMs);
  }

  /**
   * Sends `w.query` with a new ID (patched into it: the transports copy what
   * they send); `w` hears of the reply or the failure, never during this call.
   */
  exchange(w: Waiter, timeoutMs: number): void {
    let id = randomId();
    while (this.pending.has(id)) id = randomId();
    const now = (this.lastUsed = clockNow());
    w.timeoutMs = timeoutMs;
    w.deadline = now + timeoutMs;
    this.pending.set(id, w);
    if (w.deadline + TIMER_SLACK_MS < this.timerAt) this.arm(w.deadline + TIMER_SLACK_MS, now);
    const query = w.query;
    query[0] = id >> 8;
    query[1] = id & 0xff;
    try {
      this.write(query);
    } catch (err) {
      this.pending.delete(id);
      const failure = new UpstreamError(`${this.describe()}: ${(err as Error).message}`);
      process.nextTick(() => w.fail(failure));
    }
  }

  /** A message from the upstream. */
  protected receive(reply: Buffer): void {
    const id = reply.length >= HEADER_SIZE ? (reply[0]! << 8) | reply[1]! : -1;
    const w = id < 0 ? undefined : this.pending.get(id);
    if (w === undefined) return this.onDrop('id', reply);
    if (!w.anyReply && !sameQuestion(reply, w.query, w.questionEnd)) return this.onDrop('question', reply);
    this.pending.delete(id);
    this.lastUsed = clockNow();
    this.answered++;
    w.answer(reply);
  }

  /**
   * Fails every query in flight: the socket errored, or an open connection
   * `closed`. Then the oldest query (the one the upstream may have hung up
   * on) fails for good unless the connection had answered others; those
   * behind it are sent again (UpstreamError.resend).
   */
  protected failAll(message: string, closed = false): void {
    // `pending` keeps the order the queries were sent in. Emptied first: a failed query may go again on this channel.
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.disarm();
    waiting.forEach((w, i) => w.fail(new UpstreamError(`${this.describe()}: ${message}`, closed && (i > 0 || this.answered > 0))));
  }

  private arm(at: number, now: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.expire, Math.max(0, at - now));
    // The socket keeps the process alive while queries wait; the timer need not.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** Fails the tries past their deadline; arms for the earliest of the rest. */
  private readonly expire = (): void => {
    this.timer = null;
    this.timerAt = Infinity;
    const now = performance.now();
    let expired: [number, Waiter][] | null = null;
    let next = Infinity;
    for (const entry of this.pending) {
      const deadline = entry[1].deadline;
      if (deadline <= now + TIMER_SLACK_MS) (expired ??= []).push(entry);
      else if (deadline < next) next = deadline;
    }
    if (next !== Infinity) this.arm(next + TIMER_SLACK_MS, now);
    if (expired === null) return;
    for (const [id] of expired) this.pending.delete(id);
    for (const [, w] of expired) w.fail(new UpstreamError(`${this.describe()}: no reply within ${Math.round(w.timeoutMs)}ms`));
  };

  /** A framed copy (or the bytes themselves) of `query`, which carries its ID, sent. */
  protected abstract write(query: Buffer): void;
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
