import dgram from 'node:dgram';
import { buildQuery } from '@chaindns/core';
import { exchangeTcp } from '@chaindns/core/testing';

/** The address the test upstream gives `name` (and so the answer chaindns must give). */
export function addressOf(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) >>> 0;
  return `10.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${h & 255}`;
}

export interface LoadResult {
  sent: number;
  answered: number;
  lost: number;
  /** Answered, but not NOERROR with the one A record the name has. */
  wrong: number;
  /** Latencies of the answers, ms. */
  latencies: number[];
  /** TCP queries (one connection each) that failed: refused, reset, or no answer. */
  tcpFailed: number;
  tcpAnswered: number;
}

/**
 * A steady UDP load from `sockets` source ports at `qps`, every `missEvery`th
 * query a name never asked before (a cache miss) and the others 100 hot names,
 * each answer checked against the name's address; beside it, one TCP query at
 * a time on a new connection each (with `tcp`: not while nothing listens, where
 * a connect may pick the port itself as its source, and the TCP self-connection's
 * TIME_WAIT would hold the port for a minute). `stop()` ends it and, after
 * `graceMs` for the answers still due, counts the queries never answered as lost.
 */
export function steadyLoad(port: number, options: { qps: number; sockets: number; missEvery: number; tag: string; tcp: boolean }): { stop(graceMs?: number): Promise<LoadResult> } {
  const result: LoadResult = { sent: 0, answered: 0, lost: 0, wrong: 0, latencies: [], tcpFailed: 0, tcpAnswered: 0 };
  const pending = new Map<string, { name: string; at: number }>();
  const ids = new Array<number>(options.sockets).fill(0);
  const sockets = Array.from({ length: options.sockets }, (_, i) => {
    const s = dgram.createSocket('udp4');
    s.on('message', (m) => {
      const key = `${i}:${m.readUInt16BE(0)}`;
      const q = pending.get(key);
      if (!q) return;
      pending.delete(key);
      result.answered++;
      result.latencies.push(performance.now() - q.at);
      // NOERROR, one answer, whose last 4 bytes are the name's address.
      const ip = [...m.subarray(m.length - 4)].join('.');
      if ((m[3]! & 0x0f) !== 0 || m.readUInt16BE(6) !== 1 || ip !== addressOf(q.name)) result.wrong++;
    });
    s.on('error', () => {}); // a refused port (ICMP) is a lost query, counted at the end
    return s;
  });
  let n = 0;
  const tick = 5;
  const perTick = (options.qps * tick) / 1000;
  let owed = 0;
  const timer = setInterval(() => {
    for (owed += perTick; owed >= 1; owed--) {
      const i = n % options.sockets;
      const name = n % options.missEvery === 0 ? `miss${n}.${options.tag}.example` : `hot${n % 100}.${options.tag}.example`;
      const id = (ids[i] = (ids[i]! + 1) & 0xffff);
      pending.set(`${i}:${id}`, { name, at: performance.now() });
      sockets[i]!.send(buildQuery(name, 1, { id }), port, '127.0.0.1');
      result.sent++;
      n++;
    }
  }, tick);
  let running = options.tcp;
  const tcpLoop = (async () => {
    for (let t = 0; running; t++) {
      const name = `hot${t % 100}.${options.tag}.example`;
      const ok = await exchangeTcp(port, buildQuery(name, 1)).then((m) => (m[3]! & 0x0f) === 0 && [...m.subarray(m.length - 4)].join('.') === addressOf(name), () => false);
      if (ok) result.tcpAnswered++;
      else result.tcpFailed++;
    }
  })();
  return {
    async stop(graceMs = 2000) {
      clearInterval(timer);
      running = false;
      await tcpLoop;
      await new Promise((r) => setTimeout(r, graceMs));
      result.lost = pending.size;
      for (const s of sockets) s.close();
      return result;
    },
  };
}

