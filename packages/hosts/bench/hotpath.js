// The JavaScript cost of a hosts answer, in process and without sockets, measured as the root's
// bench/hotpath.js measures a cache hit: a stand-in UDP transport hands datagrams to the server in
// batches of 32 (copied into a pool, a subarray and a fresh Remote per datagram), each reply copied
// into a send slot. The chain is `hosts` alone, over a generated hosts file of 100,000 lines, asked
// for `--names` different names spread over the file.
// Usage: node bench/hotpath.js [--queries=1000000] [--rounds=7] [--names=1000] [--lines=100000] [--edns] [--aaaa]
//   (after npm run build; compare with `node bench/hotpath.js --chain=cache` at the repository root)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildQuery, PluginRegistry, QType, Server, silentLogger } from '@chaindns/core';
import { freePort } from '@chaindns/core/testing';
import { hosts } from '../dist/src/index.js';
import { hostsFile } from './generate.js';

const arg = (name, fallback) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const QUERIES = arg('queries', 1_000_000);
const ROUNDS = arg('rounds', 7);
const NAMES = arg('names', 1000);
const LINES = arg('lines', 100_000);
const BATCH = 32;
const SLOT = 4160;
const POOL = 32 * 1024;
const edns = process.argv.includes('--edns');
const aaaa = process.argv.includes('--aaaa');

const dir = mkdtempSync(join(tmpdir(), 'chaindns-hosts-hotpath-'));
const path = join(dir, 'hosts');
writeFileSync(path, hostsFile(LINES));

let onPacket = null;
let replies = 0;
let answered = 0;
const sendBuf = Buffer.allocUnsafeSlow(BATCH * SLOT);
const endpoint = {
  send(data) {
    if (data[7] > 0) answered++;
    sendBuf.set(data, (replies++ % BATCH) * SLOT);
  },
};
const transport = {
  name: 'in-process',
  async bind(options, handler) {
    onPacket = handler;
    return { address: options.address, port: await freePort(), close: async () => {} };
  },
};
const server = await new Server({
  corefile: `.:0 {\n    hosts ${path} {\n        reload 0\n    }\n}\n`,
  plugins: new PluginRegistry(['hosts'], [hosts]),
  udpTransport: transport,
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

let pool = Buffer.allocUnsafe(POOL);
let used = 0;
let next = 0;
/** Hands `count` queries (whole batches) to the server, as the native transport does. */
function drive(count) {
  let done = 0;
  for (; done < count; done += BATCH) {
    let total = 0;
    for (let i = 0; i < BATCH; i++) total += queries[(next + i) % NAMES].length;
    if (total > POOL - used) {
      pool = Buffer.allocUnsafe(POOL);
      used = 0;
    }
    let off = used;
    for (let i = 0; i < BATCH; i++) {
      const q = queries[(next + i) % NAMES];
      q.copy(pool, off);
      onPacket(pool.subarray(off, off + q.length), { address: '127.0.0.1', port: 40000 + i, family: 4 }, endpoint);
      off += q.length;
    }
    used = off;
    next = (next + BATCH) % NAMES;
  }
  return done;
}

drive(200_000); // JIT warm-up
if (answered !== replies) throw new Error(`${replies - answered} of ${replies} replies had no answer`);
const results = [];
const cpuNs = [];
for (let round = 0; round < ROUNDS; round++) {
  const before = replies;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  drive(QUERIES);
  const ns = Number(process.hrtime.bigint() - t0) / QUERIES;
  const cpu = process.cpuUsage(c0);
  cpuNs.push(((cpu.user + cpu.system) * 1000) / QUERIES);
  if (replies - before !== QUERIES) throw new Error(`${replies - before} replies to ${QUERIES} queries`);
  results.push(ns);
  await new Promise((r) => setImmediate(r));
}
if (answered !== replies) throw new Error(`${replies - answered} of ${replies} replies had no answer`);
results.sort((a, b) => a - b);
cpuNs.sort((a, b) => a - b);
console.log(
  `hosts hot path (${LINES} lines, ${NAMES} names, ${aaaa ? 'AAAA' : 'A'}${edns ? ', EDNS' : ''}): best ${results[0].toFixed(0)} ns per answer, ` +
    `median ${results[Math.floor(ROUNDS / 2)].toFixed(0)} ns; CPU time best ${cpuNs[0].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES}; ${(1e9 / results[0] / 1e6).toFixed(2)} M answers/s on one core)`,
);
await server.stop();
rmSync(dir, { recursive: true, force: true });
