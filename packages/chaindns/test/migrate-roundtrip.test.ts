import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type * as dnsPacket from 'dns-packet';
import { freePort, query, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { endpointSlice, namespace, service } from '@chaindns/kubernetes/testing';
import { type Chaindns, hasBinary, type InCluster, rdata, records, runCli, sentTo, startChaindns, startInCluster, tempDir, untilReady } from './harness.js';

// The round trip: a kube-dns ConfigMap with two stub domains and upstream name servers is
// migrated by the binary, checked, and served by the binary against the stand-in API server and
// upstream servers on loopback; each query goes where kube-dns (its dnsmasq) sent it.

const skip = !hasBinary('openssl') && 'openssl is not installed';
const dir = tempDir('chaindns-roundtrip-');
/** Each upstream answers every A question with its own address, so an answer says who gave it. */
const upstreams: Record<'corpA' | 'corpB' | 'lab' | 'up1' | 'up2', TestUpstream> = {} as never;
const ADDRESS = { corpA: '192.0.2.11', corpB: '192.0.2.12', lab: '192.0.2.21', up1: '192.0.2.31', up2: '192.0.2.32' } as const;
let cluster: InCluster;
let dns: Chaindns;
let port: number;
let migrated: { stdout: string; stderr: string };

function answering(address: string) {
  return (q: dnsPacket.Packet): dnsPacket.Packet => {
    const question = q.questions![0]!;
    const answers: dnsPacket.Answer[] = question.type === 'A' ? [{ name: question.name, type: 'A', ttl: 60, class: 'IN', data: address }] : [];
    return { id: q.id, type: 'response', flags: 0x0080 | ((q.flags ?? 0) & 0x0100), questions: q.questions, answers };
  };
}

/** How many queries for `name` each upstream got, by name, leaving out those that got none. */
function where(name: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(upstreams)
      .map(([k, u]) => [k, sentTo(u, name)] as const)
      .filter(([, n]) => n > 0),
  );
}

before(async () => {
  if (skip) return;
  for (const name of Object.keys(ADDRESS) as (keyof typeof ADDRESS)[]) upstreams[name] = await startTestUpstream({ handler: answering(ADDRESS[name]) });
  const at = (u: TestUpstream): string => `127.0.0.1:${u.port}`;
  writeFileSync(
    dir.file('kube-dns.yaml'),
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: kube-dns',
      '  namespace: kube-system',
      'data:',
      '  stubDomains: |',
      `    {"corp.example": ["${at(upstreams.corpA)}", "${at(upstreams.corpB)}"], "lab.example": ["${at(upstreams.lab)}"]}`,
      '  upstreamNameservers: |',
      `    ["${at(upstreams.up1)}", "${at(upstreams.up2)}"]`,
      '',
    ].join('\n'),
  );
  migrated = await runCli(['migrate', 'kube-dns', '--configmap', 'kube-dns.yaml', '-o', 'Corefile'], { cwd: dir.path });
  assert.equal(migrated.stdout, '');
  cluster = await startInCluster();
  cluster.api.apply(
    namespace('default'),
    service('default', 'web', { clusterIP: '10.96.100.10', ports: [{ name: 'http', port: 80 }] }),
    endpointSlice('default', 'web-abc12', 'web', { endpoints: [{ ip: '10.244.1.10' }], ports: [{ name: 'http', port: 8080 }] }),
  );
  port = await freePort();
});

after(async () => {
  if (dns) assert.equal(await dns.stop(), 0);
  await cluster?.stop();
  for (const u of Object.values(upstreams)) await u.stop();
  dir.remove();
});

test('the ConfigMap migrates, and chaindns check accepts the Corefile', { skip }, async () => {
  assert.match(migrated.stderr, /stubDomains: corp\.example: a server block of its own, forwarding to 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+\n/);
  assert.match(migrated.stderr, /stubDomains: lab\.example: a server block of its own/);
  assert.match(migrated.stderr, /upstreamNameservers: 127\.0\.0\.1:\d+ 127\.0\.0\.1:\d+ in place of \/etc\/resolv\.conf/);
  const checked = await runCli(['check', '-conf', 'Corefile', '-dns.port', String(port)], { cwd: dir.path });
  assert.equal(checked.code, 0, checked.stdout);
});

test('served: cluster names from the API, each stub domain to its servers, the rest to the upstream name servers', { skip }, async () => {
  // The only edits: every block on loopback, and health, readiness and metrics on free ports.
  const [health, ready, metrics] = [await freePort(), await freePort(), await freePort()];
  const text = readFileSync(dir.file('Corefile'), 'utf8');
  const served = text
    .replace(/^(\S.*\{)$/gm, '$1\n    bind 127.0.0.1')
    .replace('health :8080', `health 127.0.0.1:${health}`)
    .replace('ready :8181', `ready 127.0.0.1:${ready}`)
    .replaceAll('prometheus :9153', `prometheus 127.0.0.1:${metrics}`);
  writeFileSync(dir.file('Corefile.served'), served);
  dns = await startChaindns(['-conf', dir.file('Corefile.served'), '-dns.port', String(port)], { env: cluster.env });
  await untilReady(`http://127.0.0.1:${ready}`);

  assert.deepEqual(records(await query(port, 'web.default.svc.cluster.local', 'A')), ['web.default.svc.cluster.local. 30 IN A 10.96.100.10']);
  assert.deepEqual(where('web.default.svc.cluster.local'), {}, 'cluster names stay in the cluster');
  assert.equal((await query(port, 'nosuch.default.svc.cluster.local', 'A')).rcode, 3);
  assert.deepEqual(where('nosuch.default.svc.cluster.local'), {}, 'and so do the ones that do not exist');

  const corp = rdata(await query(port, 'www.corp.example', 'A'));
  assert.ok(corp[0] === ADDRESS.corpA || corp[0] === ADDRESS.corpB, `answered ${corp.join()}`);
  assert.deepEqual(Object.keys(where('www.corp.example')), [corp[0] === ADDRESS.corpA ? 'corpA' : 'corpB']);
  assert.deepEqual(rdata(await query(port, 'deep.sub.corp.example', 'A', { transport: 'tcp' })).length, 1);
  assert.ok(['corpA', 'corpB'].includes(Object.keys(where('deep.sub.corp.example'))[0]!));

  assert.deepEqual(rdata(await query(port, 'host.lab.example', 'A')), [ADDRESS.lab]);
  assert.deepEqual(where('host.lab.example'), { lab: 1 });

  const outside = rdata(await query(port, 'www.example.com', 'A'));
  assert.ok(outside[0] === ADDRESS.up1 || outside[0] === ADDRESS.up2, `answered ${outside.join()}`);
  assert.deepEqual(where('www.example.com'), { [outside[0] === ADDRESS.up1 ? 'up1' : 'up2']: 1 });

  // Reverse names of no cluster IP fall through to the upstream name servers, as kube-dns forwarded them.
  await query(port, '7.2.0.192.in-addr.arpa', 'PTR');
  assert.equal(Object.keys(where('7.2.0.192.in-addr.arpa')).filter((k) => k.startsWith('up')).length, 1);
  assert.deepEqual(records(await query(port, '10.100.96.10.in-addr.arpa', 'PTR')), ['10.100.96.10.in-addr.arpa. 30 IN PTR web.default.svc.cluster.local.']);

  // dnsmasq cached the stub domains' answers too.
  await query(port, 'host.lab.example', 'A');
  assert.deepEqual(where('host.lab.example'), { lab: 1 });
});
