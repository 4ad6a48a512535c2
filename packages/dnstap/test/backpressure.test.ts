import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { eventually, startTestServer, type TestServer } from '@chaindns/core/testing';
import { dnstapPlugin } from '../src/index.js';
import { tempDir } from './capture.js';
import { answer } from './stand-ins.js';
import { startStubReceiver } from './stub-receiver.js';

const run = promisify(execFile);
const dnstap = dnstapPlugin({ timing: { reportMs: 100, timeoutMs: 500 } });

/** One dnsperf run (Debian's dnsperf) of `runs` passes over `file`: queries lost, mean latency, and this process's CPU time per query (the server runs in it). */
async function load(s: TestServer, file: string, runs: number): Promise<{ lost: number; completed: number; meanMs: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const { stdout } = await run('dnsperf', ['-s', '127.0.0.1', '-p', String(s.port), '-d', file, '-n', String(runs), '-c', '1', '-q', '50', '-t', '2']);
  const used = process.cpuUsage(cpu);
  const field = (name: string): number => Number(new RegExp(`${name}:\\s+([\\d.]+)`).exec(stdout)?.[1]);
  const completed = field('Queries completed');
  return { lost: field('Queries lost'), completed, meanMs: field('Average Latency \\(s\\)') * 1000, cpuUs: (used.user + used.system) / completed };
}

test('a receiver that stops reading neither blocks nor slows queries: messages past the queue are dropped, counted and logged', async () => {
  const dir = tempDir();
  const sock = join(dir, 'stalled.sock');
  const names = join(dir, 'names.txt');
  writeFileSync(names, Array.from({ length: 100 }, (_, i) => `name${i}.example A\n`).join(''));
  const receiver = await startStubReceiver(sock, { stall: true });
  // Large messages (a 500-byte identity, the wire messages) fill the socket's buffers, the 1 MiB write buffer and the 10,000-message queue sooner.
  const tapped = await startTestServer(`. {\n  dnstap ${sock} full 1 1 {\n    identity ${'x'.repeat(500)}\n  }\n  answer\n}\n`, { plugins: [dnstap, answer] });
  const plain = await startTestServer('. {\n  answer\n}\n', { plugins: [answer] });
  try {
    await eventually(() => receiver.connections[0]?.controls.includes('START'), 2000, 'the handshake');
    // 12,000 queries, 24,000 messages: past what the buffers and the queue hold.
    const fill = await load(tapped, names, 120);
    assert.equal(fill.lost, 0);
    await eventually(() => tapped.logs.some((l) => /^\[WARNING\] plugin\/dnstap: Dropped dnstap messages: \d+$/.test(l)), 2000, 'the drops logged');
    // Now every message is dropped at once: the two servers, taken in turn, answer alike.
    const rounds = { tapped: [] as number[], plain: [] as number[] };
    for (let i = 0; i < 3; i++) {
      for (const [name, s] of [['tapped', tapped], ['plain', plain]] as const) {
        const r = await load(s, names, 50);
        assert.equal(r.lost, 0, `${name} lost queries`);
        rounds[name].push(r.cpuUs);
      }
    }
    const best = (xs: number[]): number => Math.min(...xs);
    assert.ok(best(rounds.tapped) < best(rounds.plain) * 1.5, `CPU per query with a stalled receiver ${best(rounds.tapped).toFixed(1)}µs, without dnstap ${best(rounds.plain).toFixed(1)}µs`);
    await new Promise((r) => setTimeout(r, 150));
    const dropped = tapped.logs.map((l) => /Dropped dnstap messages: (\d+)/.exec(l)?.[1]).reduce((sum, n) => sum + Number(n ?? 0), 0);
    // Of the 54,000 messages (27,000 queries), the queue holds 10,000 and the buffers about 2,000: the rest were dropped.
    assert.ok(dropped > 30_000 && dropped <= 44_000, `dropped ${dropped}`);
  } finally {
    await plain.stop();
    await tapped.stop();
    await receiver.close();
  }
});
