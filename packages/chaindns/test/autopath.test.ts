import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { freePort, netnsUnavailable, query, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { type Chaindns, hasBinary, httpGet, records, repoRoot, sample, startChaindns, tempDir } from './harness.js';

// autopath @kubernetes with kubernetes' pods verified, in the real binary: the cluster of
// examples/cluster.yaml, and a client pod at 127.0.0.1 (so this test's queries are a pod's).

const dir = tempDir('chaindns-autopath-');
const clusterYaml = join(repoRoot, 'examples/cluster.yaml');
let upstream: TestUpstream;

before(async () => {
  writeFileSync(dir.file('client.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: local-client\n  namespace: default\nstatus:\n  phase: Running\n  podIP: 127.0.0.1\n');
  upstream = await startTestUpstream({ records: ['www.example.com. 300 IN A 192.0.2.80'] });
});
after(async () => {
  await upstream.stop();
  dir.remove();
});

async function serve(pods: string): Promise<{ dns: Chaindns; port: number; metrics: number }> {
  const port = await freePort();
  const metrics = await freePort();
  // errors: a SERVFAIL (seen once in CI for nosuch.default) says which plugin gave it and why.
  const corefile = `.:${port} {
    bind 127.0.0.1
    errors
    autopath @kubernetes
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        manifests ${clusterYaml} ${dir.file('client.yaml')}
        pods ${pods}
        fallthrough in-addr.arpa ip6.arpa
    }
    prometheus 127.0.0.1:${metrics}
    forward . 127.0.0.1:${upstream.port}
    cache 30
}
`;
  writeFileSync(dir.file(`Corefile.${pods}`), corefile);
  return { dns: await startChaindns(['-conf', dir.file(`Corefile.${pods}`)]), port, metrics };
}

test('autopath @kubernetes: a pod’s first search-path queries answered with a CNAME and the answer, over UDP and TCP', async (t) => {
  const { dns, port, metrics } = await serve('verified');
  t.after(() => dns.stop());
  for (const transport of ['udp', 'tcp'] as const) {
    const own = await query(port, 'nginx.default.svc.cluster.local', 'A', { transport });
    assert.deepEqual(records(own), ['nginx.default.svc.cluster.local. 5 IN A 10.109.102.230']);
    const other = await query(port, 'kube-dns.kube-system.default.svc.cluster.local', 'A', { transport });
    assert.deepEqual(records(other), ['kube-dns.kube-system.default.svc.cluster.local. 5 IN CNAME kube-dns.kube-system.svc.cluster.local.', 'kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10']);
    const external = await query(port, 'www.example.com.default.svc.cluster.local', 'A', { transport });
    assert.deepEqual(records(external).map((r) => r.replace(/ \d+ IN /, ' IN ')), ['www.example.com.default.svc.cluster.local. IN CNAME www.example.com.', 'www.example.com. IN A 192.0.2.80']);
    const nowhere = await query(port, 'nosuch.default.svc.cluster.local', 'A', { transport });
    assert.equal(nowhere.rcode, 3, `nosuch over ${transport}; the server said:\n${dns.output()}`);
  }
  const text = (await httpGet(`http://127.0.0.1:${metrics}/metrics`)).body;
  assert.equal(sample(text, 'coredns_autopath_success_total', { server: `dns://127.0.0.1:${port}` }), 6);
  // The plugin that answered the search domain's query answered the client: forward for the external name (then cache).
  assert.equal(sample(text, 'coredns_dns_responses_total', { rcode: 'NOERROR', plugin: 'forward' }), 1);
});

test('autopath @kubernetes without pods verified: no search path, said once', async (t) => {
  const { dns, port } = await serve('insecure');
  t.after(() => dns.stop());
  for (let i = 0; i < 2; i++) {
    const other = await query(port, 'kube-dns.kube-system.default.svc.cluster.local', 'A');
    assert.equal(other.rcode, 3);
  }
  const warnings = dns.output().split('\n').filter((l) => l.includes('autopath needs "pods verified"'));
  assert.deepEqual(warnings, ['[WARNING] plugin/kubernetes: autopath needs "pods verified" to find a client\'s namespace: no search path is given']);
});

interface Lookup {
  readonly stack: 'IPv4' | 'dual';
  readonly autopath: boolean;
  readonly name: string;
  readonly queries: number;
}

// glibc's resolver, as a pod has it: bench/ndots.js makes its own network and mount namespaces.
const netns = netnsUnavailable();
const glibcSkip = netns ?? (!hasBinary('getent') ? 'getent (libc-bin) is not installed' : process.getuid?.() !== 0 ? 'bind-mounting a resolv.conf needs root' : false);

test('glibc with ndots:5 (getent ahosts from a pod’s address): autopath answers the first query of every search', { skip: glibcSkip }, async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'bench/ndots.js'), '--json'], { encoding: 'utf8', timeout: 120_000 });
  const lookups = JSON.parse(stdout.trim().split('\n').pop()!) as Lookup[];
  const count = (stack: Lookup['stack'], autopath: boolean, name: string): number | undefined => lookups.find((l) => l.stack === stack && l.autopath === autopath && l.name === name)?.queries;
  // Without autopath glibc walks the search path (A, and AAAA too in a dual-stack pod); with it, one round.
  const want: [string, number, number][] = [
    ['nginx', 1, 1],
    ['kube-dns.kube-system', 2, 1],
    ['www.example.com', 4, 1],
  ];
  for (const [name, without, withAutopath] of want) {
    assert.equal(count('IPv4', false, name), without, `${name}, IPv4 pod`);
    assert.equal(count('IPv4', true, name), withAutopath, `${name}, IPv4 pod, autopath`);
    assert.equal(count('dual', false, name), 2 * without, `${name}, dual-stack pod`);
    assert.equal(count('dual', true, name), 2 * withAutopath, `${name}, dual-stack pod, autopath`);
  }
});
