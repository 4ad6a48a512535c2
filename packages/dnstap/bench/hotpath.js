// The JavaScript cost of tapping a query, in process and without sockets: the
// dnstap handler in front of a stand-in that writes a prebuilt reply, its tap
// encoding CLIENT_QUERY and CLIENT_RESPONSE into a queue whose output takes
// every batch (and drops it), so that nothing is dropped and every message is
// encoded. Beside it, the same stand-in without dnstap. CPU time per query,
// best and median of the rounds.
// Usage: node bench/hotpath.js [--queries=1000000] [--rounds=7] [--full] [--extra=TEXT]
//   (after npm run build; the cost at the socket level: node bench/dnstap.js at the repository root)
import { reply } from '@chaindns/core';
import { makeRequest } from '@chaindns/core/testing';
import { compileExtra } from '../dist/src/extra.js';
import { FrameQueue } from '../dist/src/frame-queue.js';
import { createDnstap } from '../dist/src/index.js';
import { Tap } from '../dist/src/tap.js';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const QUERIES = Number(arg('queries', 1_000_000));
const ROUNDS = Number(arg('rounds', 7));
const full = process.argv.includes('--full');
const extra = arg('extra', null);

const output = { ready: true, bytes: 0, write: (batch) => (output.bytes += batch.length) };
const queue = new FrameQueue(output, { maxMessages: 10_000, flushMs: 100 });
const tap = new Tap(queue, { identity: 'dns-1.example', version: 'chaindns-0.1.0', extra: extra === null ? null : compileExtra(extra), full });
const requests = Array.from({ length: 100 }, (_, i) => makeRequest(`name${i}.bench.example`, 'A', { remote: { address: `10.0.${i}.1`, port: 40000 + i, family: 4 } }));
const replies = requests.map((r) => reply(r, { answers: [{ name: r.qnameRaw, type: 'A', ttl: 30, data: '192.0.2.1' }] }));
const sink = { write() {} };
const answer = (req, w) => (w.write(replies[req.id % 100] ?? replies[0]), 0);
const tapped = createDnstap([tap]);
const plain = { serveDNS: (req, w, next) => next(req, w) };

/** CPU ns per query of `count` queries through `handler`; the queue is flushed as its timer would. */
function round(handler, count) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    handler.serveDNS(requests[i % 100], sink, answer);
    if ((i & 1023) === 1023) queue.flush();
  }
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / count;
}

round(tapped, 200_000);
round(plain, 200_000);
const times = { tapped: [], plain: [] };
for (let r = 0; r < ROUNDS; r++) {
  times.tapped.push(round(tapped, QUERIES));
  times.plain.push(round(plain, QUERIES));
}
if (queue.dropped > 0) throw new Error(`${queue.dropped} messages dropped: the figure would flatter`);
const mid = Math.floor(ROUNDS / 2);
const show = (xs) => `best ${xs.sort((a, b) => a - b)[0].toFixed(0)} ns, median ${xs[mid].toFixed(0)} ns`;
console.log(`dnstap${full ? ' full' : ''}${extra ? ` extra "${extra}"` : ''}: ${show(times.tapped)} of CPU per query (two messages); without dnstap ${show(times.plain)} (${ROUNDS} rounds of ${QUERIES})`);
