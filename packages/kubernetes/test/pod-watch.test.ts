import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { assertCase, startTestServer } from '@chaindns/core/testing';
import { kubernetes } from '../src/index.js';
import { namespace, pod, startFakeApiServer } from '../src/testing/index.js';
import { type Cluster, eventually, startCluster } from './helpers.js';

// Pods go through a list-watch that keeps no cache of them: a relist builds the pod index anew.

async function expectPod(cluster: Cluster, name: string, ip: string | null): Promise<void> {
  const reply = await cluster.dns.query(name, 'A');
  if (ip === null) assertCase(reply.packet, { qname: name, qtype: 'A', rcode: 'NXDOMAIN', answer: [] });
  else assertCase(reply.packet, { qname: name, qtype: 'A', answer: [`${name} 5 IN A ${ip}`] });
}

const podLists = (cluster: Cluster): number => cluster.api.requests.filter((r) => r.path === '/api/v1/pods' && !r.query.get('watch')).length;

for (const goneAs of ['event', 'http'] as const) {
  test(`pods verified: a relist after a 410 (${goneAs}) replaces the pods, the others answering all along`, async (t) => {
    const cluster = await startCluster([namespace('default'), pod('default', 'stays', ['10.244.3.1']), pod('default', 'goes', ['10.244.3.2'])], { lines: ['pods verified'], api: { goneAs } });
    t.after(() => cluster.stop());
    await expectPod(cluster, '10-244-3-2.default.pod.cluster.local.', '10.244.3.2');
    const lists = podLists(cluster);
    // Changes the watch cannot resume across: the server was away and compacted its history.
    await cluster.api.stop();
    cluster.api.delete('Pod', 'default', 'goes');
    cluster.api.apply(pod('default', 'comes', ['10.244.3.3']));
    cluster.api.compact();
    await cluster.api.start();
    let asked = 0;
    await eventually(async () => {
      await expectPod(cluster, '10-244-3-1.default.pod.cluster.local.', '10.244.3.1');
      asked++;
      await expectPod(cluster, '10-244-3-2.default.pod.cluster.local.', null);
      await expectPod(cluster, '10-244-3-3.default.pod.cluster.local.', '10.244.3.3');
    }, 5000);
    assert.ok(asked > 0);
    assert.ok(podLists(cluster) > lists, 'the pods were listed again');
  });
}

test('pods verified: a 410 ERROR event on an open watch relists; a dropped watch resumes without one', async (t) => {
  const cluster = await startCluster([namespace('default'), pod('default', 'a', ['10.244.4.1'])], { lines: ['pods verified'] });
  t.after(() => cluster.stop());
  await eventually(() => assert.equal(cluster.api.watchCount, 4));
  const lists = podLists(cluster);
  cluster.api.dropWatches();
  cluster.api.apply(pod('default', 'b', ['10.244.4.2']));
  await eventually(() => expectPod(cluster, '10-244-4-2.default.pod.cluster.local.', '10.244.4.2'), 3000);
  assert.equal(podLists(cluster), lists, 'resumed from its resourceVersion');
  cluster.api.compact({ expireWatches: true });
  await eventually(() => assert.ok(podLists(cluster) > lists), 3000);
  cluster.api.delete('Pod', 'default', 'a');
  await eventually(() => expectPod(cluster, '10-244-4-1.default.pod.cluster.local.', null), 3000);
  await expectPod(cluster, '10-244-4-2.default.pod.cluster.local.', '10.244.4.2');
});

/**
 * The index of 20,000 pods is about 1 MB of typed arrays and 0.3 MB of heap; an object and a string
 * per pod would add 2.5 MB or more. One collection is not one measurement: V8 frees ArrayBuffers on
 * a helper thread after it, and a server stopped just before may still be held for a moment, so
 * each figure is the least of a few collections, and a first run compiles the code both later ones use.
 */
test('pods verified keeps no object per pod: 20,000 pods cost under 3 MB (heap and arrays)', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const api = await startFakeApiServer({ bookmarkIntervalMs: 60_000 });
  t.after(() => api.stop());
  api.apply(namespace('default'));
  for (let i = 0; i < 20_000; i++) api.apply(pod(`ns-${i % 100}`, `web-7d4b9c8f6d-${i.toString(36).padStart(5, 'x')}`, [`10.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`]));
  const held = async (mode: string): Promise<number> => {
    const dns = await startTestServer(`cluster.local {\n kubernetes {\n  endpoint ${api.url}\n  pods ${mode}\n }\n}`, { plugins: [kubernetes] });
    try {
      await dns.query('10-128-0-1.ns-1.pod.cluster.local', 'A');
      let least = Infinity;
      for (let i = 0; i < 4; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const mem = process.memoryUsage();
        least = Math.min(least, mem.heapUsed + mem.arrayBuffers);
      }
      return least;
    } finally {
      await dns.stop();
    }
  };
  await held('verified');
  const disabled = await held('disabled');
  const verified = await held('verified');
  const mb = (verified - disabled) / 1048576;
  assert.ok(mb < 3, `pods verified holds ${mb.toFixed(1)} MB more for 20,000 pods`);
});
