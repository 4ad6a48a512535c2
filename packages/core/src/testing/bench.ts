import type { PacketHandler, Remote, UdpEndpoint, UdpTransport } from '../transport.js';
import { freePort } from './free-port.js';

const BATCH = 32;
const POOL = 32 * 1024;
const SLOT = 4160;

/**
 * A stand-in UDP transport for in-process benchmarks of the query path,
 * without sockets: it hands datagrams over as the native transport does
 * (batches of 32 copied back to back into a 32 KB pool, a subarray and a fresh
 * Remote per datagram) and copies each reply into a send slot.
 */
export interface BenchTransport {
  /** Give it to the Server as `udpTransport`. */
  readonly transport: UdpTransport;
  /** Replies sent so far. */
  readonly replies: number;
  /** Replies with at least one answer record. */
  readonly answered: number;
  /** Hands `count` queries (rounded up to whole batches), cycling through `queries`; returns how many. */
  drive(queries: readonly Buffer[], count: number): number;
}

export function benchTransport(): BenchTransport {
  let onPacket: PacketHandler | null = null;
  let replies = 0;
  let answered = 0;
  let pool = Buffer.allocUnsafe(POOL);
  let used = 0;
  let next = 0;
  const slots = Buffer.allocUnsafeSlow(BATCH * SLOT);
  const endpoint: UdpEndpoint = {
    send(data) {
      if (data[6]! > 0 || data[7]! > 0) answered++;
      slots.set(data.subarray(0, SLOT), (replies++ % BATCH) * SLOT);
    },
  };
  return {
    transport: {
      name: 'in-process',
      async bind(options, handler) {
        onPacket = handler;
        return { address: options.address, port: await freePort(), close: async () => {} };
      },
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
        if (total > POOL - used) {
          pool = Buffer.allocUnsafe(POOL);
          used = 0;
        }
        for (let i = 0; i < BATCH; i++) {
          const q = queries[(next + i) % queries.length]!;
          q.copy(pool, used);
          const from: Remote = { address: '127.0.0.1', port: 40000 + (used & 0xff), family: 4 };
          onPacket(pool.subarray(used, used + q.length), from, endpoint);
          used += q.length;
        }
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
