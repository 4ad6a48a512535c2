// The JavaScript cost of a rewritten query, in process and without sockets, measured as the root's
// bench/hotpath.js measures a cache hit: a stand-in UDP transport hands datagrams to the server in
// batches of 32, each reply copied into a send slot. Behind rewrite, a stand-in backend answers
// every query as a cache hit would: the question copied back, one A record whose owner is a
// pointer to it. Each scenario runs its own server; `none` is the same chain without rewrite, so
// a scenario's cost is its time minus that.
// Usage: node bench/hotpath.js [--queries=500000] [--rounds=5] [--names=1000] [--only=aks,exact]
//   (after npm run build)
import { buildQuery, definePlugin, PluginRegistry, QType, Server, silentLogger } from '@chaindns/core';
import { benchTransport, timeRounds } from '@chaindns/core/testing';
import { rewrite } from '../dist/src/index.js';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const QUERIES = Number(arg('queries', 500_000));
const ROUNDS = Number(arg('rounds', 5));
const NAMES = Number(arg('names', 1000));
const ONLY = arg('only', '');

const scenarios = [
  { name: 'none', what: 'no rewrite (the baseline)', rules: '', qname: (i) => `web-${i}.example.com`, qtype: QType.A },
  { name: 'miss', what: 'AKS rule, a name it does not match', rules: aks(), qname: (i) => `web-${i}.example.org`, qtype: QType.A },
  { name: 'aks', what: 'AKS rule: name regex + answer name', rules: aks(), qname: (i) => `web-${i}.example.com`, qtype: QType.A },
  { name: 'exact', what: 'name exact (automatic answer rewrite)', rules: 'rewrite name exact web-7.example.com web-7.default.svc.cluster.local', qname: () => 'web-7.example.com', qtype: QType.A },
  { name: 'type', what: 'type ANY A (question put back in place)', rules: 'rewrite type ANY A', qname: (i) => `web-${i}.example.com`, qtype: QType.ANY },
  { name: 'edns0', what: 'edns0 local set (option added to the query)', rules: 'rewrite edns0 local set 0xffee abcd', qname: (i) => `web-${i}.example.com`, qtype: QType.A },
].filter((s) => !ONLY || ONLY.split(',').includes(s.name));

function aks() {
  return 'rewrite stop {\n  name regex (.*)\\.example\\.com {1}.default.svc.cluster.local\n  answer name (.*)\\.default\\.svc\\.cluster\\.local {1}.example.com\n}';
}

/** A cache hit's reply: the query's header and question, one A record pointing at the question. */
const backend = definePlugin({
  name: 'backend',
  parse: () => null,
  setup: () => ({
    name: 'backend',
    serveDNS(req, w) {
      const q = req.questionEnd;
      const out = Buffer.allocUnsafe(q + 16);
      req.msg.copy(out, 0, 0, q);
      out[2] = 0x81;
      out[3] = 0x80;
      out.writeUInt16BE(1, 4);
      out.writeUInt16BE(1, 6);
      out.writeUInt32BE(0, 8);
      out.set([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 10, 96, 0, 10], q);
      w.write(out);
      return 0;
    },
  }),
});

async function run(scenario) {
  const bench = benchTransport();
  const server = await new Server({
    corefile: `.:0 {\n${scenario.rules}\n    backend\n}\n`,
    plugins: new PluginRegistry(['rewrite', 'backend'], [rewrite, backend]),
    udpTransport: bench.transport,
    defaultAddresses: ['127.0.0.1'],
    logger: silentLogger,
  }).start();
  const queries = Array.from({ length: NAMES }, (_, k) => buildQuery(scenario.qname(k), scenario.qtype, { id: k & 0xffff }));
  const { wall, cpu } = await timeRounds(bench, queries, { count: QUERIES, rounds: ROUNDS, warmup: 100_000, answered: true });
  await server.stop();
  return { best: wall[0], median: wall[Math.floor(ROUNDS / 2)], cpu: cpu[0] };
}

const results = [];
for (const s of scenarios) results.push({ s, r: await run(s) });
const base = results.find((x) => x.s.name === 'none')?.r.best;
for (const { s, r } of results) {
  const extra = base !== undefined && s.name !== 'none' ? `, +${(r.best - base).toFixed(0)} ns over none` : '';
  console.log(`${s.name.padEnd(6)} ${s.what}: best ${r.best.toFixed(0)} ns per query, median ${r.median.toFixed(0)} ns, CPU best ${r.cpu.toFixed(0)} ns${extra}`);
}
console.log(`(${ROUNDS} rounds of ${QUERIES} queries over ${NAMES} names, batches of 32)`);
