// The JavaScript cost of a hosts answer, in process and without sockets, measured as the root's
// bench/hotpath.js measures a cache hit: a stand-in UDP transport hands datagrams to the server in
// batches of 32 (the test kit's benchTransport), each reply copied into a send slot. The chain is `hosts` alone, over a generated hosts file of 100,000 lines, asked
// for `--names` different names spread over the file.
// Usage: node bench/hotpath.js [--queries=1000000] [--rounds=7] [--names=1000] [--lines=100000] [--edns] [--aaaa]
//   (after npm run build; compare with `node bench/hotpath.js --chain=cache` at the repository root)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildQuery, PluginRegistry, QType, Server, silentLogger } from '@chaindns/core';
import { benchTransport, timeRounds } from '@chaindns/core/testing';
import { hosts } from '../dist/src/index.js';
import { hostsFile } from './generate.js';

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const QUERIES = arg('queries', 1_000_000);
const ROUNDS = arg('rounds', 7);
const NAMES = arg('names', 1000);
const LINES = arg('lines', 100_000);
const edns = process.argv.includes('--edns');
const aaaa = process.argv.includes('--aaaa');

const dir = mkdtempSync(join(tmpdir(), 'chaindns-hosts-hotpath-'));
const path = join(dir, 'hosts');
writeFileSync(path, hostsFile(LINES));

const bench = benchTransport();
const server = await new Server({
  corefile: `.:0 {\n    hosts ${path} {\n        reload 0\n    }\n}\n`,
  plugins: new PluginRegistry(['hosts'], [hosts]),
  udpTransport: bench.transport,
  defaultAddresses: ['127.0.0.1'],
  logger: silentLogger,
}).start();

// Names every tenth of which is IPv6-only (host-9, host-19, ...): ask A of the others, AAAA of those.
const step = Math.max(1, Math.floor((LINES - 4) / NAMES));
const queries = Array.from({ length: NAMES }, (_, k) => {
  let i = k * step;
  if (aaaa) i = i - (i % 10) + 9;
  else if (i % 10 === 9) i--;
  return buildQuery(`host-${i}.bench.example`, aaaa ? QType.AAAA : QType.A, { id: k & 0xffff, ...(edns ? { edns: { udpSize: 1232 } } : {}) });
});

const { wall, cpu } = await timeRounds(bench, queries, { count: QUERIES, rounds: ROUNDS, answered: true });
console.log(
  `hosts hot path (${LINES} lines, ${NAMES} names, ${aaaa ? 'AAAA' : 'A'}${edns ? ', EDNS' : ''}): best ${wall[0].toFixed(0)} ns per answer, ` +
    `median ${wall[Math.floor(ROUNDS / 2)].toFixed(0)} ns; CPU time best ${cpu[0].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES}; ${(1e9 / wall[0] / 1e6).toFixed(2)} M answers/s on one core)`,
);
await server.stop();
rmSync(dir, { recursive: true, force: true });
