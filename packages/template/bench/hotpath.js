// The JavaScript cost of a templated answer, in process and without sockets, measured as the
// root's bench/hotpath.js measures a cache hit, on the test kit's benchTransport. The chain is `template` alone.
// Usage: node bench/hotpath.js [--case=ip|hex|aks|aaaa|static] [--queries=200000] [--rounds=5] [--names=1000]
//   ip: the README's A template with named groups (regex with submatches, 4 fields)
//   hex: the README's parseInt template
//   aks: AKS's guard, NXDOMAIN for 4+ labels under internal.cloudapp.net (regex test only)
//   aaaa: OpenShift's AAAA filter (no regex: NODATA)
//   static: `{{ .Name }} 60 IN A 192.0.2.1` for every name (no regex, one field)
// (after npm run build)
import { buildQuery, PluginRegistry, QType, Server, silentLogger } from '@chaindns/core';
import { benchTransport, timeRounds } from '@chaindns/core/testing';
import { template } from '../dist/src/index.js';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const CASE = arg('case', 'ip');
const QUERIES = Number(arg('queries', 200_000));
const ROUNDS = Number(arg('rounds', 5));
const NAMES = Number(arg('names', 1000));

const cases = {
  ip: {
    corefile: 'template IN A example {\n match (^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$\n answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"\n fallthrough\n }',
    name: (i) => `ip-10-${(i >> 8) & 0xff}-${i & 0xff}-${i % 7}.example`,
    qtype: QType.A,
  },
  hex: {
    corefile: 'template IN A example {\n match "^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"\n answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"\n fallthrough\n }',
    name: (i) => `ip0a${(i & 0xff).toString(16).padStart(2, '0')}${((i >> 8) & 0xff).toString(16).padStart(2, '0')}07.example`,
    qtype: QType.A,
  },
  aks: {
    corefile: 'template ANY ANY internal.cloudapp.net {\n match "^(?:[^.]+\\.){4,}internal\\.cloudapp\\.net\\.$"\n rcode NXDOMAIN\n fallthrough\n }',
    name: (i) => `svc-${i}.ns.svc.cluster.local.internal.cloudapp.net`,
    qtype: QType.A,
  },
  aaaa: { corefile: 'template ANY AAAA {\n rcode NOERROR\n }', name: (i) => `host-${i}.example`, qtype: QType.AAAA },
  static: { corefile: 'template IN A {\n answer "{{ .Name }} 60 IN A 192.0.2.1"\n }', name: (i) => `host-${i}.example`, qtype: QType.A },
};
const c = cases[CASE];
if (!c) throw new Error(`unknown --case=${CASE}`);

const bench = benchTransport();
const server = await new Server({
  corefile: `.:0 {\n${c.corefile}\n}\n`,
  plugins: new PluginRegistry(['template'], [template]),
  udpTransport: bench.transport,
  defaultAddresses: ['127.0.0.1'],
  logger: silentLogger,
}).start();

const queries = Array.from({ length: NAMES }, (_, i) => buildQuery(c.name(i), c.qtype, { id: i & 0xffff }));
const { wall, cpu } = await timeRounds(bench, queries, { count: QUERIES, rounds: ROUNDS, warmup: 50_000 });
const mid = Math.floor(ROUNDS / 2);
console.log(
  `template hot path (${CASE}, ${NAMES} names): CPU best ${cpu[0].toFixed(0)} ns per answer, median ${cpu[mid].toFixed(0)} ns; ` +
    `wall best ${wall[0].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES}; ${bench.answered} of ${bench.replies} replies with answer records)`,
);
await server.stop();
