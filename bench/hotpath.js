// The JavaScript cost of a cache hit, in process and without sockets: the
// bench's full chain (errors, prometheus, cache in front of forward) behind a
// stand-in UDP transport that hands datagrams over in batches of 32, as the
// native one does (batches copied back to back into a 32 KB pool, a subarray
// and a fresh Remote per datagram, each reply copied into a send slot). Steadier than any load
// over sockets on a shared machine: the number to compare before and after a
// change to the hot path.
// With --zone=PATH (a zone of bench.example, as bench/file.js writes), the
// chain is the file plugin serving it instead, asked for --names=N of its
// names (h0 ... hN-1): the cost of an authoritative answer; with --nx, names
// it does not hold (nx0 ...): the cost of an NXDOMAIN.
// Usage: node bench/hotpath.js [--queries=1000000] [--rounds=7] [--edns] [--upper] [--zone=PATH [--names=N] [--nx]]
import dgram from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerA, queryA, questionEnd } from './wire.js';
import { freePort } from './procs.js';

const here = dirname(fileURLToPath(import.meta.url));
const { createServer } = await import(join(dirname(here), 'packages/chaindns/dist/src/index.js'));
const { silentLogger } = await import(join(dirname(here), 'packages/core/dist/src/index.js'));
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const QUERIES = Number(arg('queries', 1_000_000));
const ROUNDS = Number(arg('rounds', 7));
const BATCH = 32;
const zone = arg('zone', null);
const NAMES = Number(arg('names', 100));
const SLOT = 4160;
const POOL = 32 * 1024;

// The upstream: one A record for every question.
const upstream = dgram.createSocket('udp4');
upstream.on('message', (msg, rinfo) => upstream.send(answerA(msg, questionEnd(msg), [192, 0, 2, 1], 3600), rinfo.port, rinfo.address));
await new Promise((resolve) => upstream.bind(0, '127.0.0.1', resolve));

let onPacket = null;
let replies = 0;
const sendBuf = Buffer.allocUnsafeSlow(BATCH * SLOT);
const endpoint = {
  send(data) {
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
const chain = arg('chain', 'errors,prometheus 127.0.0.1:0,cache').split(',').filter(Boolean).map((d) => `    ${d}\n`).join('');
const corefile = zone ? `bench.example:0 {\n    bind 127.0.0.1\n    file ${zone} {\n        reload 0\n    }\n}\n` : `.:0 {\n    bind 127.0.0.1\n${chain}    forward . 127.0.0.1:${upstream.address().port}\n}\n`;
const plugins = zone ? [(await import(join(dirname(here), 'packages/file/dist/src/index.js'))).file] : [];
const server = await createServer({ corefile, plugins, udpTransport: transport, logger: silentLogger }).start();

const edns = process.argv.includes('--edns');
const upper = process.argv.includes('--upper');
const queries = Array.from({ length: NAMES }, (_, i) => {
  const label = zone ? (process.argv.includes('--nx') ? 'nx' : 'h') : 'name';
  const q = queryA(`${upper ? label[0].toUpperCase() + label.slice(1) : label}${i}.bench.example`, i & 0xffff);
  if (!edns) return q;
  const opt = Buffer.from([0, 0, 41, 1232 >> 8, 1232 & 0xff, 0, 0, 0, 0, 0, 0]);
  const out = Buffer.concat([q, opt]);
  out.writeUInt16BE(1, 10);
  return out;
});

let pool = Buffer.allocUnsafe(POOL);
let used = 0;

/** Hands `count` queries (rounded up to whole batches) to the server in batches, as the native transport does; returns how many. */
function drive(count) {
  let next = 0;
  let done = 0;
  for (; done < count; done += BATCH) {
    const batch = [];
    let total = 0;
    for (let i = 0; i < BATCH; i++) {
      const q = queries[(next + i) % NAMES];
      batch.push(q);
      total += q.length;
    }
    next = (next + BATCH) % NAMES;
    if (total > POOL - used) {
      pool = Buffer.allocUnsafe(POOL);
      used = 0;
    }
    let off = used;
    for (const q of batch) {
      q.copy(pool, off);
      off += q.length;
    }
    off = used;
    used += total;
    for (const q of batch) {
      const data = pool.subarray(off, off + q.length);
      off += q.length;
      onPacket(data, { address: '127.0.0.1', port: 40000 + (off & 0xff), family: 4 }, endpoint);
    }
  }
  return done;
}

// Misses: each name goes upstream once, then every query is a hit.
const warm = drive(NAMES);
const deadline = Date.now() + 5000;
while (replies < warm && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
if (replies < warm) throw new Error(`only ${replies} of ${warm} warm-up queries were answered`);

drive(200_000); // JIT warm-up
const results = [];
for (let round = 0; round < ROUNDS; round++) {
  const before = replies;
  const t0 = process.hrtime.bigint();
  drive(QUERIES);
  const ns = Number(process.hrtime.bigint() - t0) / QUERIES;
  if (replies - before !== QUERIES) throw new Error(`${replies - before} replies to ${QUERIES} queries`);
  results.push(ns);
  await new Promise((r) => setImmediate(r)); // lets timers and GC finalizers run between rounds
}
results.sort((a, b) => a - b);
console.log(`hot path (${zone ? `file, ${NAMES} ${process.argv.includes('--nx') ? 'NXDOMAIN ' : ''}names` : 'cache hit'}, ${edns ? 'EDNS' : 'no EDNS'}${upper ? ', mixed case' : ''}): best ${results[0].toFixed(0)} ns per query, median ${results[Math.floor(ROUNDS / 2)].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES})`);
await server.stop();
upstream.close();
