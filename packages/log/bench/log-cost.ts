/**
 * What `log` costs on the hot path: dnsperf sends UDP queries for 2s against
 * a whoami-like plugin, without log, with log (buffered, as shipped), with log
 * written line by line (as CoreDNS does), and with a class filter that logs
 * nothing (3 runs of 2s each, interleaved, after a warm-up). Then the handler
 * alone, in process. Query lines go to stdout, results to stderr:
 *
 *   node dist/bench/log-cost.js | cat > /dev/null
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlugin, LineWriter, type Next, reply, type Request, type ResponseWriter, type Result } from '@chaindns/core';
import { makeRequest, startTestServer } from '@chaindns/core/testing';
import { COMMON_LOG_FORMAT, createLog, logPlugin } from '../src/index.js';

const SECONDS = 2;

/** Answers every query with the client's address, as whoami does. */
const whoami = definePlugin<null>({
  name: 'whoami',
  parse: () => null,
  setup: () => ({
    name: 'whoami',
    serveDNS(req, w) {
      w.write(reply(req, { authoritative: true, additionals: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: req.remote.address }] }));
      return 0;
    },
  }),
});

const runs: { title: string; corefile: string; lineByLine?: boolean }[] = [
  { title: 'whoami', corefile: '. {\n  whoami\n}' },
  { title: 'log + whoami (buffered)', corefile: '. {\n  log\n  whoami\n}' },
  { title: 'log + whoami (a write per line)', corefile: '. {\n  log\n  whoami\n}', lineByLine: true },
  { title: 'log { class denial } + whoami (logs nothing)', corefile: '. {\n  log . {\n    class denial\n  }\n  whoami\n}' },
];

const dir = mkdtempSync(join(tmpdir(), 'log-cost-'));
const queries = join(dir, 'queries');
writeFileSync(queries, Array.from({ length: 100 }, (_, i) => `host${i}.example.org A\n`).join(''));

interface Sample {
  readonly qps: number;
  readonly latencyMs: number;
  /** The server process's CPU time (user + system) per answered query. */
  readonly cpuUs: number;
}

/** Runs dnsperf for `seconds` (asynchronously: the server answers in this process). */
async function dnsperf(port: number, seconds: number): Promise<Sample> {
  const cpu = process.cpuUsage();
  const { stdout: out } = await promisify(execFile)('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(seconds), '-c', '4', '-q', '64']);
  const used = process.cpuUsage(cpu);
  const completed = Number(/Queries completed:\s+(\d+)/.exec(out)?.[1]);
  return {
    qps: Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1]),
    latencyMs: Number(/Average Latency \(s\):\s+([\d.]+)/.exec(out)?.[1]) * 1000,
    cpuUs: (used.user + used.system) / completed,
  };
}

/** One measurement: a fresh server for `run`, dnsperf for `seconds`. */
async function measure(run: (typeof runs)[number], seconds: number): Promise<Sample> {
  const log = logPlugin(run.lineByLine ? { sink: { batchBytes: 1 } } : {});
  const s = await startTestServer(run.corefile, { plugins: [log, whoami] });
  try {
    return await dnsperf(s.port, seconds);
  } finally {
    await s.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm the JIT on every path once, then interleave the runs (ROUNDS each) and keep the medians.
const ROUNDS = 3;
for (const run of runs) await measure(run, 1);
const flat = runs.map(() => [] as Sample[]);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, run] of runs.entries()) flat[i]!.push(await measure(run, SECONDS));
}
const rows = runs.map((run, i) => {
  const f = flat[i]!;
  return `| ${run.title} | ${Math.round(median(f.map((x) => x.qps)))} | ${median(f.map((x) => x.latencyMs)).toFixed(2)} | ${median(f.map((x) => x.cpuUs)).toFixed(1)} |`;
});

// In process, no sockets: the handler's own cost per query (format, batch, write), steadier on a busy machine.
const ITERATIONS = 200_000;
const req = makeRequest('host1.example.org', 'A', { id: 4242, edns: { udpSize: 1232 } });
const answer = reply(req, { authoritative: true, answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '127.0.0.1' }] });
const respond: Next = (_req, w) => (w.write(answer), 0);
const discard: ResponseWriter = { write: () => {} };
const logged = (sink: LineWriter) => {
  const handler = createLog([{ name: '.', format: COMMON_LOG_FORMAT, classes: [], minDurationMs: 0 }], sink);
  return (r: Request): Result => handler.serveDNS(r, discard, respond);
};
const chains: [string, (r: Request) => Result][] = [
  ['a prebuilt answer', (r) => respond(r, discard)],
  ['log + the answer (buffered)', logged(new LineWriter(process.stdout, { flushMs: 100 }))],
  ['log + the answer (a write per line)', logged(new LineWriter(process.stdout))],
];
const micro = chains.map(([title, serve]) => {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) serve(req);
    times.push(Number(process.hrtime.bigint() - start) / ITERATIONS);
  }
  return `| ${title} | ${median(times).toFixed(0)} |`;
});

process.stderr.write(
  `Over UDP with dnsperf (${ROUNDS} runs of ${SECONDS}s each, medians):\n\n| Corefile | queries/s | mean latency (ms) | server CPU per query (µs) |\n|---|---:|---:|---:|\n${rows.join('\n')}\n\n` +
    `In process (${ITERATIONS} calls, median of 5):\n\n| Chain | ns per query |\n|---|---:|\n${micro.join('\n')}\n`,
);
