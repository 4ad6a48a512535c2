import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildQuery, QType } from '@chaindns/core';
import { repoRoot } from './harness.js';

/** One lookup of the dashboard's glibc fixture: what glibc sent, in order. */
interface RecordedLookup {
  readonly stack: 'IPv4' | 'dual';
  readonly name: string;
  readonly queries: ReadonlyArray<{ readonly qname: string; readonly qtype: string }>;
}

/** glibc's queries for a pod with ndots:5 (recorded with getent ahosts: packages/dashboard/test/fixtures). */
export function glibcLookups(stack: 'IPv4' | 'dual'): RecordedLookup[] {
  const all = JSON.parse(readFileSync(join(repoRoot, 'packages/dashboard/test/fixtures/glibc-ndots5.json'), 'utf8')) as RecordedLookup[];
  return all.filter((l) => l.stack === stack);
}

/**
 * Pods on loopback addresses of their own (127.0.0.20, .21, ...), each
 * replaying glibc's lookups against `port` as glibc sends them: the queries
 * of one name together (A and AAAA), the next name once they are answered.
 * Bounded: it stops after `seconds`, and each step waits at most 1 s.
 */
export async function replayPods(port: number, pods: number, seconds: number): Promise<number> {
  const lookups = glibcLookups('dual');
  const until = Date.now() + seconds * 1000;
  let sent = 0;
  const pod = async (i: number): Promise<void> => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, `127.0.0.${20 + i}`, resolve));
    const waiting = new Map<number, () => void>();
    socket.on('message', (msg) => waiting.get(msg.readUInt16BE(0))?.());
    let id = 1;
    try {
      while (Date.now() < until) {
        for (const lookup of lookups) {
          const steps: { qname: string; qtype: string }[][] = [];
          for (const q of lookup.queries) {
            const last = steps.at(-1);
            if (last && last[0]!.qname === q.qname) last.push(q);
            else steps.push([q]);
          }
          for (const step of steps) {
            await Promise.all(
              step.map((q) => {
                const qid = id++ & 0xffff;
                sent++;
                return new Promise<void>((resolve) => {
                  const timer = setTimeout(resolve, 1000);
                  waiting.set(qid, () => (clearTimeout(timer), waiting.delete(qid), resolve()));
                  socket.send(buildQuery(q.qname, QType[q.qtype as keyof typeof QType], { id: qid }), port, '127.0.0.1');
                });
              }),
            );
          }
        }
      }
    } finally {
      socket.close();
    }
  };
  await Promise.all(Array.from({ length: pods }, (_, i) => pod(i)));
  return sent;
}

/** A busy client asking cluster names by their full name (cache hits), `perTick` every 10 ms, for `seconds`. */
export async function steadyLoad(port: number, seconds: number, perTick = 10): Promise<void> {
  const socket = dgram.createSocket('udp4');
  const names = ['nginx.default.svc.cluster.local', 'kube-dns.kube-system.svc.cluster.local', 'kubernetes.default.svc.cluster.local', 'www.example.com'];
  socket.on('message', () => {});
  let n = 0;
  const timer = setInterval(() => {
    for (let i = 0; i < perTick; i++, n++) socket.send(buildQuery(names[n % names.length]!, n % 3 === 2 ? QType.AAAA : QType.A), port, '127.0.0.1');
  }, 10);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  // The last answers come back before the socket goes.
  await new Promise((r) => setTimeout(r, 200));
  socket.close();
}
