import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRequest, QType, Rcode, reply, typeName } from '@chaindns/core';
import { runInNetns } from '@chaindns/core/testing';

// What glibc's resolver sends for a pod with Kubernetes's resolv.conf (ndots:5), recorded with
// `getent ahosts NAME` in a network and mount namespace of its own: loopback holds the cluster
// DNS address and the pod's, the route to the server takes the pod's address as its source, a
// small server on 10.96.0.10:53 answers the cluster of the kube-dns notes (and www.example.com)
// and notes every query, and the pod's resolv.conf is bind-mounted on /etc/resolv.conf.
// test/fixtures/glibc-ndots5.json holds one recording (`node dist/test/glibc.js --write`, as
// root); search-path.test.ts feeds it to the classifier, and checks that glibc here still asks
// what the recording holds.

export const SERVER = '10.96.0.10';
export const POD = '10.244.0.20';
const POD6 = 'fd00:10:244::20';
export const POD_RESOLV_CONF = `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${SERVER}\noptions ndots:5\n`;
const RECORDS: Readonly<Record<string, string>> = {
  'nginx.default.svc.cluster.local.': '10.109.102.230',
  'kube-dns.kube-system.svc.cluster.local.': '10.96.0.10',
  'kubernetes.default.svc.cluster.local.': '10.96.0.1',
  'www.example.com.': '192.0.2.80',
};
/** A short service name, one in another namespace, a full service name (4 dots), an external name, one that exists nowhere, and an FQDN. */
export const NAMES = ['nginx', 'kube-dns.kube-system', 'kubernetes.default.svc.cluster.local', 'www.example.com', 'nosuch', 'www.example.com.'] as const;

/** One query as the server saw it, with the rcode it answered. */
export interface RecordedQuery {
  readonly client: string;
  readonly port: number;
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: string;
}

/** One `getent ahosts NAME`: an IPv4-only pod (A) or a dual-stack one (A and AAAA). */
export interface RecordedLookup {
  readonly stack: 'IPv4' | 'dual';
  readonly name: string;
  readonly queries: readonly RecordedQuery[];
}

const self = fileURLToPath(import.meta.url);
export const FIXTURE = fileURLToPath(new URL('../../test/fixtures/glibc-ndots5.json', import.meta.url));

/** Records glibc's queries for NAMES, in a namespace of its own (needs root). */
export async function recordGlibc(): Promise<RecordedLookup[]> {
  const run = await runInNetns(process.execPath, [self, '--in-namespace'], { mount: true, addresses: [SERVER, POD], timeoutMs: 60_000 });
  if (run.code !== 0) throw new Error(`glibc recording failed (${run.code}): ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout) as RecordedLookup[];
}

function sh(cmd: string, ...args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
}

/** Inside the namespace: the server, the resolv.conf, and getent for each name. */
async function record(): Promise<void> {
  // Both addresses are on lo: without this a packet to the server would leave from the server's own address.
  sh('ip', 'route', 'replace', 'table', 'local', 'local', SERVER, 'dev', 'lo', 'proto', 'kernel', 'scope', 'host', 'src', POD);
  const dir = mkdtempSync(join(tmpdir(), 'dashboard-glibc-'));
  writeFileSync(join(dir, 'resolv.conf'), POD_RESOLV_CONF);
  sh('mount', '--bind', join(dir, 'resolv.conf'), '/etc/resolv.conf');
  const seen: RecordedQuery[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const req = parseRequest(msg, 'udp', { address: rinfo.address, port: rinfo.port, family: 4 });
    if (!('qname' in req)) return;
    const address = RECORDS[req.qname];
    const rcode = address === undefined ? Rcode.NXDOMAIN : Rcode.NOERROR;
    const answers = address !== undefined && req.qtype === QType.A ? [{ name: req.qnameRaw, type: 'A' as const, ttl: 30, data: address }] : [];
    seen.push({ client: rinfo.address, port: rinfo.port, qname: req.qname, qtype: typeName(req.qtype), rcode: rcode === Rcode.NXDOMAIN ? 'NXDOMAIN' : 'NOERROR' });
    socket.send(reply(req, { rcode, authoritative: true, answers }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(53, SERVER, resolve));
  const lookups: RecordedLookup[] = [];
  try {
    for (const stack of ['IPv4', 'dual'] as const) {
      // An IPv6 address that is not loopback makes getaddrinfo's AI_ADDRCONFIG ask AAAA too, as in a dual-stack pod.
      if (stack === 'dual') sh('ip', 'addr', 'add', `${POD6}/128`, 'dev', 'lo');
      for (const name of NAMES) {
        const from = seen.length;
        await getent(name);
        lookups.push({ stack, name, queries: seen.slice(from) });
      }
    }
  } finally {
    socket.close();
    spawnSync('umount', ['/etc/resolv.conf']);
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(lookups));
}

/** `getent ahosts NAME` to its end, whatever it found (not spawnSync: the server answers from this event loop). */
function getent(name: string): Promise<void> {
  const child = spawn('getent', ['ahosts', name], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
}

if (process.argv[1] === self && process.argv.includes('--in-namespace')) await record();
else if (process.argv[1] === self && process.argv.includes('--write')) {
  const lookups = await recordGlibc();
  writeFileSync(FIXTURE, `${JSON.stringify(lookups, null, 1)}\n`);
  console.log(`${FIXTURE}: ${lookups.reduce((n, l) => n + l.queries.length, 0)} queries`);
}
