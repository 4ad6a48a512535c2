// The JavaScript cost of a cache miss through `forward`, in process and
// without sockets: the bench's full chain (errors, prometheus, cache in front
// of forward) on the test kit's stand-in transport, whose connected sockets
// reach a stand-in upstream in the same process (one A record for every
// question, appended to a copy of the query). Every query is a name never
// asked before, so every one goes upstream and every answer evicts an older
// cache entry, as in bench/run.js's miss phase. The upstream's replies come
// back in batches of 32 after each batch of queries, as the native transport
// would hand them over. Seven rounds; the best and the median ns per miss, by
// the wall clock and by the process's CPU time. The harness (and the stand-in
// upstream's answers) costs about 0.5 µs of it.
// Usage: node bench/misspath.js [--queries=200000] [--rounds=7] [--chain=errors,cache]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerA, queryA, questionEnd } from './wire.js';

const here = dirname(fileURLToPath(import.meta.url));
const { createServer } = await import(join(dirname(here), 'packages/chaindns/dist/src/index.js'));
const { silentLogger } = await import(join(dirname(here), 'packages/core/dist/src/index.js'));
const { benchTransport } = await import(join(dirname(here), 'packages/core/dist/src/testing/index.js'));
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const BATCH = 32;
/** Whole batches. */
const QUERIES = Math.ceil(Number(arg('queries', 200_000)) / BATCH) * BATCH;
const ROUNDS = Number(arg('rounds', 7));

const upstream = (query) => {
  const end = questionEnd(query);
  return end < 0 ? null : answerA(query, end, [192, 0, 2, 1], 3600);
};
const bench = benchTransport({ upstream });
const chain = arg('chain', 'errors,prometheus 127.0.0.1:0,cache').split(',').filter(Boolean).map((d) => `    ${d}\n`).join('');
const corefile = `.:0 {\n    bind 127.0.0.1\n${chain}    forward . 192.0.2.53:53\n}\n`;
const server = await createServer({ corefile, udpTransport: bench.transport, logger: silentLogger }).start();

// Names m<8 digits>.bench.example: one template per slot of a batch, the digits rewritten in place.
const DIGITS = 8;
const batch = Array.from({ length: BATCH }, () => queryA(`m${'0'.repeat(DIGITS)}.bench.example`, 1));
let serial = 0;
function nextBatch() {
  for (const q of batch) {
    let n = serial++;
    for (let i = 13 + DIGITS; i > 13; i--, n = Math.floor(n / 10)) q[i] = 0x30 + (n % 10);
    q[0] = n & 0xff;
  }
  return batch;
}

/**
 * Sends `count` new names through, a batch at a time, each batch's upstream
 * replies handed back after it; waits for every answer. With `turns`, the
 * event loop turns after each batch (forward's sockets bind meanwhile).
 */
async function run(count, turns = false) {
  const want = bench.replies + count;
  for (let done = 0; done < count; done += BATCH) {
    bench.drive(nextBatch(), BATCH);
    bench.answerUpstreams();
    // The chain's promises settle between batches, as they do between wakeups of a server.
    await (turns ? new Promise((r) => setImmediate(r)) : null);
  }
  const deadline = Date.now() + 5000;
  while (bench.replies < want && Date.now() < deadline) {
    await new Promise((r) => setImmediate(r));
    bench.answerUpstreams();
  }
  if (bench.replies < want) throw new Error(`${want - bench.replies} of ${count} misses got no answer`);
}

await run(2000, true); // forward opens its sockets
await run(50_000); // JIT warm-up, and a full cache
const wall = [];
const cpu = [];
for (let round = 0; round < ROUNDS; round++) {
  const answered = bench.answered;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  await run(QUERIES);
  wall.push(Number(process.hrtime.bigint() - t0) / QUERIES);
  const c = process.cpuUsage(c0);
  cpu.push(((c.user + c.system) * 1000) / QUERIES);
  if (bench.answered - answered !== QUERIES) throw new Error(`${QUERIES - (bench.answered - answered)} misses answered without a record`);
  await new Promise((r) => setImmediate(r));
}
wall.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const mid = Math.floor(ROUNDS / 2);
console.log(`miss path: best ${wall[0].toFixed(0)} ns per miss, median ${wall[mid].toFixed(0)} ns; CPU best ${cpu[0].toFixed(0)} ns, median ${cpu[mid].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES})`);
await server.stop();
