// How long a hosts file of 100,000 lines takes to load: read, parse, encode every answer (what a
// start or a reload of the file does), and the heap the table keeps.
// Usage: node bench/load.js [--lines=100000] [--rounds=7]   (after npm run build)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostsMetrics, HostsSource } from '../dist/src/index.js';
import { Registry, silentLogger } from '@chaindns/core';
import { hostsFile } from './generate.js';

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const LINES = arg('lines', 100_000);
const ROUNDS = arg('rounds', 7);

const dir = mkdtempSync(join(tmpdir(), 'chaindns-hosts-bench-'));
const path = join(dir, 'hosts');
const text = hostsFile(LINES);
writeFileSync(path, text);
const metrics = hostsMetrics(new Registry());

const times = [];
const cpuMs = [];
let kept = null;
for (let round = 0; round < ROUNDS; round++) {
  globalThis.gc?.();
  const mem = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
  const before = mem();
  const source = new HostsSource({ path, zones: ['.'], reverse: true, ttl: 3600, inline: [], log: silentLogger, metrics });
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await source.read();
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  const cpu = process.cpuUsage(c0);
  cpuMs.push((cpu.user + cpu.system) / 1000);
  if (source.entries === null) throw new Error('the file was not read');
  globalThis.gc?.();
  kept = { entries: source.entries, heap: mem() - before, arena: source.table.arena.length, source };
}
rmSync(dir, { recursive: true, force: true });
const first = times[0];
times.sort((a, b) => a - b);
console.log(
  `hosts load (${LINES} lines, ${(text.length / 1e6).toFixed(1)} MB): first ${first.toFixed(0)} ms, best ${times[0].toFixed(0)} ms, median ${times[Math.floor(ROUNDS / 2)].toFixed(0)} ms, worst ${times[ROUNDS - 1].toFixed(0)} ms; ` +
    `CPU time first ${cpuMs[0].toFixed(0)} ms, best ${Math.min(...cpuMs).toFixed(0)} ms ` +
    `(${ROUNDS} rounds); ${kept.entries} entries, ${(kept.arena / 1e6).toFixed(1)} MB of records` +
    (globalThis.gc ? `, ${(kept.heap / 1e6).toFixed(0)} MB kept (heap and buffers)` : ' (run with --expose-gc for the memory kept)'),
);
