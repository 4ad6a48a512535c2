import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CapabilityOffers, definePlugin } from '@chaindns/core';
import { startTestServer } from '@chaindns/core/testing';
import { kubernetes } from '../src/index.js';
import { namespace, service } from '../src/testing/index.js';
import { eventually, startCluster } from './helpers.js';

// The clusterSync capability (what the dashboard shows): the index's size and each resource's watch.

const clusterYaml = new URL('../../../../examples/cluster.yaml', import.meta.url).pathname;

/** A plugin of the same block that finds every clusterSync offer, as the dashboard does. */
function probe(): { plugin: ReturnType<typeof definePlugin<null>>; offers: () => CapabilityOffers<'clusterSync'> } {
  let found: CapabilityOffers<'clusterSync'> | null = null;
  const plugin = definePlugin<null>({
    name: 'probe',
    parse: () => null,
    setup: (_config, ctx) => {
      found = ctx.needAll('clusterSync');
    },
  });
  return { plugin, offers: () => found! };
}

test('from the API: each resource watching, with the time of its last event; retrying while the API server is gone', async (t) => {
  const p = probe();
  const c = await startCluster([namespace('default'), service('default', 'nginx', { clusterIP: '10.0.0.1' })], { plugins: [kubernetes, p.plugin], tail: ' probe\n' });
  t.after(() => c.stop());
  const sync = p.offers().value[0]!;
  assert.equal(p.offers().value[0]!.directive, 'kubernetes');
  assert.deepEqual(sync.value.zones, ['cluster.local.', 'in-addr.arpa.']);
  assert.equal(sync.value.synced(), true);
  assert.deepEqual(sync.value.objects(), { services: 1, endpointSlices: 0, namespaces: 1, pods: 0 });
  const now = Date.now();
  for (const r of sync.value.resources()) {
    assert.equal(r.state, 'watching', r.kind);
    assert.ok(r.lastEventAt !== null && now - r.lastEventAt < 5000, `${r.kind}: last event ${r.lastEventAt}`);
  }
  assert.deepEqual(sync.value.resources().map((r) => r.kind), ['Service', 'EndpointSlice', 'Namespace']);
  await c.api.stop();
  await eventually(() => assert.ok(sync.value.resources().every((r) => r.state === 'retrying')), 5000);
  await c.api.start();
  await eventually(() => assert.ok(sync.value.resources().every((r) => r.state === 'watching')), 10_000);
});

test('from manifests: each resource read from files, at the time they were read', async (t) => {
  const p = probe();
  const before = Date.now();
  const s = await startTestServer(`cluster.local {\n kubernetes {\n  manifests ${clusterYaml}\n }\n probe\n}`, { plugins: [kubernetes, p.plugin] });
  t.after(() => s.stop());
  const sync = p.offers().value[0]!.value;
  assert.deepEqual(sync.objects(), { services: 4, endpointSlices: 3, namespaces: 2, pods: 0 });
  for (const r of sync.resources()) {
    assert.equal(r.state, 'files');
    assert.ok(r.lastEventAt! >= before && r.lastEventAt! <= Date.now());
  }
});
