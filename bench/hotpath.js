// The JavaScript cost of a cache hit, in process and without sockets: the
// bench's full chain (errors, prometheus, cache in front of forward) behind a
// stand-in UDP transport that hands datagrams over in batches of 32, as the
// native one does (batches copied back to back into a 32 KB pool, a subarray
// and a fresh Remote per datagram, each reply copied into a send slot). Steadier than any load
// over sockets on a shared machine: the number to compare before and after a
// change to the hot path.
// The stand-in transport and the timing are the test kit's (benchTransport, timeRounds), shared with the plugins' benches.
// With --zone=PATH (a zone of bench.example, as bench/file.js writes), the
// chain is the file plugin serving it instead, asked for --names=N of its
// names (h0 ... hN-1): the cost of an authoritative answer; with --nx, names
// it does not hold (nx0 ...): the cost of an NXDOMAIN. With --cluster=DIR (a folder
// bench/cluster-answers.js wrote: cluster.json and queries.txt), the kubernetes plugin serves the
// cluster from its manifest behind errors and prometheus (no cache; --chain changes them), asked the names of
// queries.txt: the cost of an uncached cluster answer.
// Usage: node bench/hotpath.js [--queries=1000000] [--rounds=7] [--edns] [--upper] [--zone=PATH [--names=N] [--nx]] [--cluster=DIR]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { answerA, queryA, questionEnd } from './wire.js';

const here = dirname(fileURLToPath(import.meta.url));
const { createServer } = await import(join(dirname(here), 'packages/chaindns/dist/src/index.js'));
const { silentLogger } = await import(join(dirname(here), 'packages/core/dist/src/index.js'));
const { benchTransport, timeRounds } = await import(join(dirname(here), 'packages/core/dist/src/testing/index.js'));
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const QUERIES = Number(arg('queries', 1_000_000));
const ROUNDS = Number(arg('rounds', 7));
const zone = arg('zone', null);
const cluster = arg('cluster', null);
const NAMES = Number(arg('names', 100));

// The upstream, in process (forward's sockets are the stand-in transport's): one A record for every question.
const bench = benchTransport({
  upstream: (query) => {
    const end = questionEnd(query);
    return end < 0 ? null : answerA(query, end, [192, 0, 2, 1], 3600);
  },
});
const chain = arg('chain', cluster ? 'errors,prometheus 127.0.0.1:0' : 'errors,prometheus 127.0.0.1:0,cache').split(',').filter(Boolean).map((d) => `    ${d}\n`).join('');
const forward = '    forward . 192.0.2.53:53\n';
const corefile = zone
  ? `bench.example:0 {\n    bind 127.0.0.1\n    file ${zone} {\n        reload 0\n    }\n}\n`
  : cluster
    ? `.:0 {\n    bind 127.0.0.1\n${chain}    kubernetes cluster.local {\n        manifests ${join(cluster, 'cluster.json')}\n    }\n${forward}}\n`
    : `.:0 {\n    bind 127.0.0.1\n${chain}${forward}}\n`;
const server = await createServer({ corefile, udpTransport: bench.transport, logger: silentLogger }).start();

const edns = process.argv.includes('--edns');
const upper = process.argv.includes('--upper');
const names = cluster
  ? readFileSync(join(cluster, 'queries.txt'), 'utf8').trim().split('\n').slice(0, NAMES).map((line) => line.split(' ')[0])
  : Array.from({ length: NAMES }, (_, i) => `${zone ? (process.argv.includes('--nx') ? 'nx' : 'h') : 'name'}${i}.bench.example`);
const queries = names.map((name, i) => {
  const q = queryA(upper ? name[0].toUpperCase() + name.slice(1) : name, i & 0xffff);
  if (!edns) return q;
  const opt = Buffer.from([0, 0, 41, 1232 >> 8, 1232 & 0xff, 0, 0, 0, 0, 0, 0]);
  const out = Buffer.concat([q, opt]);
  out.writeUInt16BE(1, 10);
  return out;
});

// Misses: each name goes upstream once, then every query is a hit.
const warm = bench.drive(queries, queries.length);
const deadline = Date.now() + 5000;
while (bench.replies < warm && Date.now() < deadline) {
  bench.answerUpstreams();
  await new Promise((r) => setTimeout(r, 20));
}
if (bench.replies < warm) throw new Error(`only ${bench.replies} of ${warm} warm-up queries were answered`);

// CPU time too: on a shared machine the wall clock also counts the time others held the core.
const { wall, cpu } = await timeRounds(bench, queries, { count: QUERIES, rounds: ROUNDS });
const mid = Math.floor(ROUNDS / 2);
console.log(
  `hot path (${zone ? `file, ${NAMES} ${process.argv.includes('--nx') ? 'NXDOMAIN ' : ''}names` : cluster ? `kubernetes, ${queries.length} service names` : 'cache hit'}, ${edns ? 'EDNS' : 'no EDNS'}${upper ? ', mixed case' : ''}): best ${wall[0].toFixed(0)} ns per query, median ${wall[mid].toFixed(0)} ns; CPU best ${cpu[0].toFixed(0)} ns, median ${cpu[mid].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES})`,
);
await server.stop();
