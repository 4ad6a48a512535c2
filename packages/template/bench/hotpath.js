// The JavaScript cost of a templated answer, in process and without sockets, measured as the
// root's bench/hotpath.js measures a cache hit: a stand-in UDP transport hands datagrams to the
// server in batches of 32, each reply copied into a send slot. The chain is `template` alone.
// Usage: node bench/hotpath.js [--case=ip|hex|aks|aaaa|static] [--queries=200000] [--rounds=5] [--names=1000]
//   ip: the README's A template with named groups (regex with submatches, 4 fields)
//   hex: the README's parseInt template
//   aks: AKS's guard, NXDOMAIN for 4+ labels under internal.cloudapp.net (regex test only)
//   aaaa: OpenShift's AAAA filter (no regex: NODATA)
//   static: `{{ .Name }} 60 IN A 192.0.2.1` for every name (no regex, one field)
// (after npm run build)
import { buildQuery, PluginRegistry, QType, Server, silentLogger } from '@chaindns/core';
import { freePort } from '@chaindns/core/testing';
import { template } from '../dist/src/index.js';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const CASE = arg('case', 'ip');
const QUERIES = Number(arg('queries', 200_000));
const ROUNDS = Number(arg('rounds', 5));
const NAMES = Number(arg('names', 1000));
const BATCH = 32;
const SLOT = 4160;

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

let onPacket = null;
let replies = 0;
let nodata = 0;
const sendBuf = Buffer.allocUnsafeSlow(BATCH * SLOT);
const endpoint = {
  send(data) {
    if ((data[3] & 0x0f) !== 0 && (data[3] & 0x0f) !== 3) throw new Error(`rcode ${data[3] & 0x0f}`);
    if (data[7] === 0) nodata++;
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
  corefile: `.:0 {\n${c.corefile}\n}\n`,
  plugins: new PluginRegistry(['template'], [template]),
  udpTransport: transport,
  defaultAddresses: ['127.0.0.1'],
  logger: silentLogger,
}).start();

const queries = Array.from({ length: NAMES }, (_, i) => buildQuery(c.name(i), c.qtype, { id: i & 0xffff }));
let next = 0;
function drive(count) {
  for (let done = 0; done < count; done += BATCH) {
    for (let i = 0; i < BATCH; i++) {
      const q = queries[(next + i) % NAMES];
      onPacket(Buffer.from(q), { address: '127.0.0.1', port: 40000 + i, family: 4 }, endpoint);
    }
    next = (next + BATCH) % NAMES;
  }
}

drive(50_000); // JIT warm-up
const cpuNs = [];
const wallNs = [];
for (let round = 0; round < ROUNDS; round++) {
  const before = replies;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  drive(QUERIES);
  const cpu = process.cpuUsage(c0);
  wallNs.push(Number(process.hrtime.bigint() - t0) / QUERIES);
  cpuNs.push(((cpu.user + cpu.system) * 1000) / QUERIES);
  if (replies - before !== QUERIES) throw new Error(`${replies - before} replies to ${QUERIES} queries`);
  await new Promise((r) => setImmediate(r));
}
cpuNs.sort((a, b) => a - b);
wallNs.sort((a, b) => a - b);
console.log(
  `template hot path (${CASE}, ${NAMES} names): CPU best ${cpuNs[0].toFixed(0)} ns per answer, median ${cpuNs[Math.floor(ROUNDS / 2)].toFixed(0)} ns; ` +
    `wall best ${wallNs[0].toFixed(0)} ns (${ROUNDS} rounds of ${QUERIES}${nodata ? `; ${nodata} replies without answer records` : ''})`,
);
await server.stop();
