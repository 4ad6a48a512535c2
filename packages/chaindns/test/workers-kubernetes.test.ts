import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { eventually, freePort, query } from '@chaindns/core/testing';
import { endpointSlice, namespace, service, startFakeApiServer } from '@chaindns/kubernetes/testing';
import { startChaindns, tempDir } from './harness.js';

// -workers 2 with a kubernetes block: the primary lists and watches the API once for the
// process, and the other worker answers from the primary's index in shared memory.

test('-workers 2 and kubernetes: one set of watches for the process, every worker answers from the one index, and a change reaches them all', async () => {
  const api = await startFakeApiServer({ bookmarkIntervalMs: 200 });
  api.apply(namespace('testns'));
  api.apply(service('testns', 'lb', { type: 'LoadBalancer', clusterIP: '10.0.0.50', loadBalancer: [{ ip: '192.0.2.7' }], ports: [{ name: 'http', port: 80 }] }));
  for (let i = 0; i < 10; i++) {
    api.apply(
      service('testns', `svc${i}`, { clusterIP: `10.0.0.${i + 1}`, ports: [{ name: 'http', port: 80 }] }),
      endpointSlice('testns', `svc${i}-1`, `svc${i}`, { endpoints: [{ ip: `10.1.0.${i + 1}` }], ports: [{ name: 'http', port: 80 }] }),
    );
  }
  const dir = tempDir('chaindns-workers-k8s-');
  const pkg = dir.file('node_modules/chaindns-plugin-workerid');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(`${pkg}/package.json`, JSON.stringify({ name: 'chaindns-plugin-workerid', type: 'module', main: 'index.js' }));
  writeFileSync(`${pkg}/index.js`, `export { default } from ${JSON.stringify(new URL('./worker-id.js', import.meta.url).href)};\n`);
  const port = await freePort();
  writeFileSync(
    dir.file('Corefile'),
    `cluster.local:${port} in-addr.arpa:${port} example.org:${port} {\n  bind 127.0.0.1\n  kubernetes cluster.local in-addr.arpa {\n    endpoint ${api.url}\n  }\n  k8s_external example.org\n}\nexample:${port} {\n  bind 127.0.0.1\n  workerid\n}\n`,
  );
  const c = await startChaindns(['-conf', dir.file('Corefile'), '-workers', '2'], { cwd: dir.path });
  try {
    await eventually(() => /2 workers serve/.test(c.output()), 10_000, 'the workers started');
    // The worker got the primary's synced index while it started: it never waited out its startup_timeout.
    assert.doesNotMatch(c.output(), /unsynced Kubernetes API/);
    // Each query from a socket of its own: the kernel spreads them over both workers.
    const workers = new Set<string>();
    for (let i = 0; i < 48; i++) workers.add((await query(port, `q${i}.example`, 'TXT')).packet.answers!.map((a) => String((a as { data: Buffer[] }).data[0]))[0]!);
    assert.deepEqual([...workers].sort(), ['worker 0', 'worker 1']);
    const answers = async (name: string, type: 'A' | 'PTR' = 'A'): Promise<Set<string>> => {
      const seen = new Set<string>();
      for (let i = 0; i < 48; i++) {
        const r = await query(port, name, type);
        seen.add(`${r.rcode} ${r.packet.answers?.map((a) => (a as { data: string }).data).join(',')}`);
      }
      return seen;
    };
    for (const i of [0, 9]) assert.deepEqual([...(await answers(`svc${i}.testns.svc.cluster.local`))], [`0 10.0.0.${i + 1}`]);
    // k8s_external reads the load balancer's address from the index in every worker.
    assert.deepEqual([...(await answers('lb.testns.example.org'))], ['0 192.0.2.7']);
    assert.equal(api.watchCount, 3, 'services, endpoint slices and namespaces, watched once for the process');
    const lists = api.requests.filter((r) => r.query.get('watch') !== 'true').map((r) => r.path);
    assert.equal(lists.length, new Set(lists).size, `each resource listed once: ${lists.join(' ')}`);
    api.apply(service('testns', 'late', { clusterIP: '10.0.0.99', ports: [{ name: 'http', port: 80 }] }));
    await eventually(async () => assert.deepEqual([...(await answers('late.testns.svc.cluster.local'))], ['0 10.0.0.99']), 3000, 'every worker answers the new service');
    // A service every worker has answered (and kept the reply to) changes: none answers from the old one.
    api.apply(service('testns', 'svc9', { clusterIP: '10.0.0.77', ports: [{ name: 'http', port: 80 }] }));
    await eventually(async () => assert.deepEqual([...(await answers('svc9.testns.svc.cluster.local'))], ['0 10.0.0.77']), 3000, 'every worker answers the changed service');
    // Reverse lookups, the primary's too, read the shared index: an endpoint that moves is found at its new address only.
    assert.deepEqual([...(await answers('1.0.1.10.in-addr.arpa', 'PTR'))], ['0 10-1-0-1.svc0.testns.svc.cluster.local']);
    assert.deepEqual([...(await answers('2.0.0.10.in-addr.arpa', 'PTR'))], ['0 svc1.testns.svc.cluster.local']);
    api.apply(endpointSlice('testns', 'svc0-1', 'svc0', { endpoints: [{ ip: '10.1.0.51' }], ports: [{ name: 'http', port: 80 }] }));
    await eventually(async () => assert.deepEqual([...(await answers('51.0.1.10.in-addr.arpa', 'PTR'))], ['0 10-1-0-51.svc0.testns.svc.cluster.local']), 3000, 'every worker answers the new address');
    assert.deepEqual([...(await answers('1.0.1.10.in-addr.arpa', 'PTR'))], ['3 '], 'no worker answers the old address');
    // A reload lists the API again: the workers answer from the last synced index meanwhile.
    c.child.kill('SIGUSR1');
    const during = new Set<string>();
    for (const until = Date.now() + 1500; Date.now() < until; ) for (const a of await answers('svc0.testns.svc.cluster.local')) during.add(a);
    assert.deepEqual([...during], ['0 10.0.0.1'], 'no answer lost its data while the primary synced again');
    await eventually(() => (c.output().match(/Reloading complete/g) ?? []).length === 2, 3000, 'both reloaded');
  } finally {
    assert.equal(await c.stop(), 0);
    await api.stop();
    dir.remove();
  }
});
