import { enterBatch, leaveBatch } from '../batch-clock.js';
import type { PacketHandler, Remote, UdpEndpoint, UdpTransport } from '../transport.js';
import { freePort } from './free-port.js';

const BATCH = 32;
const POOL = 32 * 1024;
const SLOT = 4160;

/**
 * A stand-in UDP transport for in-process benchmarks of the query path,
 * without sockets: it hands datagrams over as the native transport does
 * (batches of 32 copied back to back into a 32 KB pool, a subarray and a fresh
 * Remote per datagram, each batch told to core's batch clock) and copies each
 * reply into a send slot. A connected
 * socket (a plugin's to its upstream) reaches the stand-in upstream that
 * `options.upstream` answers for, in process too: see `answerUpstreams`.
 */
export interface BenchTransport {
  /** Give it to the Server as `udpTransport`. */
  readonly transport: UdpTransport;
  /** Replies sent so far. */
  readonly replies: number;
  /** Replies with at least one answer record. */
  readonly answered: number;
  /** Queries the upstream has answered and not yet handed back. */
  readonly upstreamQueued: number;
  /** Hands `count` queries (rounded up to whole batches), cycling through `queries`; returns how many. */
  drive(queries: readonly Buffer[], count: number): number;
  /** Hands the upstream's replies so far back to their sockets, in batches of 32 as a listener gets queries; returns how many. */
  answerUpstreams(): number;
}

export interface BenchTransportOptions {
  /** The stand-in upstream: the reply to a query sent on a connected socket (a copy, its own), or null for none. */
  readonly upstream?: (query: Buffer) => Buffer | null;
}

/** A pool of received datagrams, as the native transport fills one: a subarray of it for each. */
class Pool {
  private pool = Buffer.allocUnsafe(POOL);
  private used = 0;

  /** A batch of `bytes` begins: it must fit whole, or a new pool takes over. */
  begin(bytes: number): void {
    if (this.used + bytes <= this.pool.length) return;
    this.pool = Buffer.allocUnsafe(Math.max(POOL, bytes));
    this.used = 0;
  }

  /** A copy of `data` in the pool. */
  take(data: Uint8Array): Buffer {
    this.pool.set(data, this.used);
    this.used += data.length;
    return this.pool.subarray(this.used - data.length, this.used);
  }
}

export function benchTransport(options: BenchTransportOptions = {}): BenchTransport {
  let onPacket: PacketHandler | null = null;
  let replies = 0;
  let answered = 0;
  const pool = new Pool();
  let next = 0;
  const slots = Buffer.allocUnsafeSlow(BATCH * SLOT);
  const endpoint: UdpEndpoint = {
    send(data) {
      if (data[6]! > 0 || data[7]! > 0) answered++;
      slots.set(data.subarray(0, SLOT), (replies++ % BATCH) * SLOT);
    },
  };
  /** The upstream's replies not yet handed back, and the socket each goes to. */
  const upstreamReplies: { reply: Buffer; to: PacketHandler; via: UdpEndpoint; from: Remote }[] = [];
  const upstreamPool = new Pool();
  return {
    transport: {
      name: 'in-process',
      async bind(bindOptions, handler) {
        const port = await freePort();
        const peer = bindOptions.connect;
        if (!peer) {
          onPacket = handler;
          return { address: bindOptions.address, port, send: endpoint.send, close: async () => {} };
        }
        const from: Remote = { address: peer.address, port: peer.port, family: peer.address.includes(':') ? 6 : 4 };
        const via: UdpEndpoint = {
          send(data) {
            const reply = options.upstream?.(Buffer.from(data));
            if (reply) upstreamReplies.push({ reply, to: handler, via, from });
          },
        };
        return { address: '127.0.0.1', port, send: via.send, close: async () => {} };
      },
    },
    get upstreamQueued() {
      return upstreamReplies.length;
    },
    answerUpstreams() {
      const n = upstreamReplies.length;
      for (let i = 0; i < n; i += BATCH) {
        const batch = upstreamReplies.slice(i, i + BATCH);
        upstreamPool.begin(batch.reduce((sum, r) => sum + r.reply.length, 0));
        enterBatch();
        for (const r of batch) r.to(upstreamPool.take(r.reply), r.from, r.via);
        leaveBatch();
      }
      upstreamReplies.splice(0, n);
      return n;
    },
    get replies() {
      return replies;
    },
    get answered() {
      return answered;
    },
    drive(queries, count) {
      if (!onPacket) throw new Error('benchTransport: the server has not bound it yet');
      let done = 0;
      for (; done < count; done += BATCH) {
        let total = 0;
        for (let i = 0; i < BATCH; i++) total += queries[(next + i) % queries.length]!.length;
        pool.begin(total);
        enterBatch();
        for (let i = 0; i < BATCH; i++) {
          const q = queries[(next + i) % queries.length]!;
          const from: Remote = { address: '127.0.0.1', port: 40000 + ((next + i) & 0xff), family: 4 };
          onPacket(pool.take(q), from, endpoint);
        }
        leaveBatch();
        next = (next + BATCH) % queries.length;
      }
      return done;
    },
  };
}

/** Per-query cost of each round, in ns, sorted: wall clock and this process's CPU time. */
export interface RoundTimes {
  readonly wall: readonly number[];
  readonly cpu: readonly number[];
}

/**
 * Times `rounds` rounds of `count` queries through `bench`, after a JIT warm-up
 * of `warmup` queries. A round whose queries did not all get a reply (or an
 * answer, with `answered`) throws: a fast wrong answer is no result.
 */
export async function timeRounds(
  bench: BenchTransport,
  queries: readonly Buffer[],
  options: { count: number; rounds: number; warmup?: number; answered?: boolean },
): Promise<RoundTimes> {
  bench.drive(queries, options.warmup ?? 200_000);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const [replies, answered] = [bench.replies, bench.answered];
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const n = bench.drive(queries, options.count);
    // A handler that awaits answers after the drive yields: the round ends with its last reply.
    for (const deadline = Date.now() + 10_000; bench.replies - replies < n && Date.now() < deadline; ) await new Promise((r) => setImmediate(r));
    wall.push(Number(process.hrtime.bigint() - t0) / n);
    const c = process.cpuUsage(c0);
    cpu.push(((c.user + c.system) * 1000) / n);
    if (bench.replies - replies !== n) throw new Error(`${bench.replies - replies} replies to ${n} queries`);
    if (options.answered && bench.answered - answered !== n) throw new Error(`${n - (bench.answered - answered)} of ${n} replies had no answer`);
    // Lets timers and GC finalizers run between rounds.
    await new Promise((r) => setImmediate(r));
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
}
