import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertCase, startTestServer, type TestServer } from '@chaindns/core/testing';
import { kubernetes } from '../src/index.js';
import { readManifests } from '../src/manifests.js';
import { endpointSlice, namespace, pod, service } from '../src/testing/index.js';
import { eventually } from './helpers.js';

const clusterYaml = new URL('../../../../examples/cluster.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'chaindns-k8s-manifests-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const yaml = (...objects: object[]): string => objects.map((o) => JSON.stringify(o)).join('\n---\n');

test('examples/cluster.yaml: the kube-dns notes cluster, over UDP', async (t) => {
  const s = await startTestServer(`cluster.local in-addr.arpa {\n kubernetes {\n  manifests ${clusterYaml}\n }\n}`, { plugins: [kubernetes] });
  t.after(() => s.stop());
  const cases = [
    { qname: 'nginx.default.svc.cluster.local.', qtype: 'A', answer: ['nginx.default.svc.cluster.local. 5 IN A 10.109.102.230'] },
    { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', answer: ['kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1'] },
    { qname: 'kube-dns.kube-system.svc.cluster.local.', qtype: 'A', answer: ['kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10'] },
    {
      qname: '_dns._udp.kube-dns.kube-system.svc.cluster.local.',
      qtype: 'SRV',
      answer: ['_dns._udp.kube-dns.kube-system.svc.cluster.local. 5 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.'],
      extra: ['kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10'],
    },
    { qname: '_https._tcp.kubernetes.default.svc.cluster.local.', qtype: 'SRV', answer: ['_https._tcp.kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.'] },
    { qname: 'nginx-headless.default.svc.cluster.local.', qtype: 'A', answer: ['13', '14', '15'].map((n) => `nginx-headless.default.svc.cluster.local. 5 IN A 10.244.0.${n}`) },
    { qname: '13.0.244.10.in-addr.arpa.', qtype: 'PTR', answer: ['13.0.244.10.in-addr.arpa. 5 IN PTR 10-244-0-13.nginx-headless.default.svc.cluster.local.'] },
    { qname: '230.102.109.10.in-addr.arpa.', qtype: 'PTR', answer: ['230.102.109.10.in-addr.arpa. 5 IN PTR nginx.default.svc.cluster.local.'] },
    { qname: '3.0.244.10.in-addr.arpa.', qtype: 'PTR', answer: ['3.0.244.10.in-addr.arpa. 5 IN PTR 10-244-0-3.nginx.default.svc.cluster.local.'] },
    { qname: 'nginx.kube-system.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN' as const },
  ];
  for (const c of cases) {
    const reply = await s.query(c.qname, c.qtype as 'A');
    assertCase(reply.packet, { ...c, authoritative: true, ignoreTtl: false });
  }
});

test('readManifests: multi-document files, List kinds, JSON, folders', () => {
  const sub = join(dir, 'read', 'nested');
  mkdirSync(sub, { recursive: true });
  writeFileSync(join(dir, 'read', 'a.yaml'), yaml(namespace('a'), service('a', 'one', { clusterIP: '10.0.0.1' })));
  writeFileSync(join(sub, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [service('a', 'two', { clusterIP: '10.0.0.2' }), { kind: 'ServiceList', items: [service('a', 'three')] }] }));
  writeFileSync(join(sub, 'notes.txt'), 'not a manifest');
  const names = readManifests([join(dir, 'read')]).map((o) => `${o.kind}/${o.metadata?.name}`);
  assert.deepEqual(names, ['Namespace/a', 'Service/one', 'Service/two', 'Service/three']);
  writeFileSync(join(dir, 'bad.yaml'), 'kind: Service\nmetadata:\n  name: [unclosed\n');
  assert.throws(() => readManifests([join(dir, 'bad.yaml')]), /bad\.yaml:\d+: /);
  // A JSON file is read by JSON.parse; one that is no JSON still gets the YAML parser's position.
  writeFileSync(join(dir, 'bad.json'), '{"kind": "Service",\n "metadata": {"name": "web"]\n}\n');
  assert.throws(() => readManifests([join(dir, 'bad.json')]), /bad\.json:\d+: /);
  assert.throws(() => readManifests([join(dir, 'missing.yaml')]), /missing\.yaml: no such file or directory$/);
});

let live: TestServer;
const liveFile = join(dir, 'live', 'cluster.yaml');
before(async () => {
  mkdirSync(join(dir, 'live'), { recursive: true });
  writeFileSync(liveFile, yaml(service('default', 'web', { clusterIP: '10.0.0.80', labels: { dns: 'yes' } })));
  live = await startTestServer(`cluster.local {\n kubernetes {\n  manifests ${liveFile}\n  labels dns=yes\n }\n}`, { plugins: [kubernetes] });
});
after(() => live.stop());

test('manifests: changes to the files are served within a second; a broken file keeps the last data', async () => {
  assertCase((await live.query('web.default.svc.cluster.local', 'A')).packet, { qname: 'web', qtype: 'A', answer: ['web.default.svc.cluster.local. 5 IN A 10.0.0.80'] });
  writeFileSync(
    liveFile,
    yaml(
      service('default', 'web', { clusterIP: '10.0.0.81', labels: { dns: 'yes' } }),
      service('shop', 'cart', { clusterIP: 'None', labels: { dns: 'yes' } }),
      endpointSlice('shop', 'cart-1', 'cart', { endpoints: [{ ip: '10.1.0.7', hostname: 'cart-0' }], labels: { dns: 'yes' } }),
      service('default', 'hidden', { clusterIP: '10.0.0.99' }),
    ),
  );
  await eventually(async () => {
    assertCase((await live.query('web.default.svc.cluster.local', 'A')).packet, { qname: 'web', qtype: 'A', answer: ['web.default.svc.cluster.local. 5 IN A 10.0.0.81'] });
    // The namespace exists because objects live in it; the labels selector hides the unlabelled service.
    assertCase((await live.query('cart-0.cart.shop.svc.cluster.local', 'A')).packet, { qname: 'cart', qtype: 'A', answer: ['cart-0.cart.shop.svc.cluster.local. 5 IN A 10.1.0.7'] });
    assertCase((await live.query('hidden.default.svc.cluster.local', 'A')).packet, { qname: 'hidden', qtype: 'A', rcode: 'NXDOMAIN' });
  });
  writeFileSync(liveFile, 'kind: Service\nmetadata: [broken\n');
  await new Promise((r) => setTimeout(r, 300));
  assertCase((await live.query('web.default.svc.cluster.local', 'A')).packet, { qname: 'web', qtype: 'A', answer: ['web.default.svc.cluster.local. 5 IN A 10.0.0.81'] });
  assert.ok(live.logs.some((l) => l.startsWith('[ERROR] plugin/kubernetes: manifests: ') && l.includes('cluster.yaml')), live.logs.join('\n'));
  writeFileSync(liveFile, yaml(service('shop', 'cart', { clusterIP: 'None', labels: { dns: 'yes' } })));
  await eventually(async () => {
    assertCase((await live.query('web.default.svc.cluster.local', 'A')).packet, { qname: 'web', qtype: 'A', rcode: 'NXDOMAIN' });
    assertCase((await live.query('cart.shop.svc.cluster.local', 'A')).packet, { qname: 'cart', qtype: 'A', rcode: 'NXDOMAIN' });
  });
});

test('manifests: a file that does not parse at startup fails the setup with its position', async () => {
  const bad = join(dir, 'startup-bad.yaml');
  writeFileSync(bad, 'kind: Service\nmetadata:\n  name: [oops\n');
  await assert.rejects(startTestServer(`cluster.local {\n kubernetes {\n  manifests ${bad}\n }\n}`, { plugins: [kubernetes] }), /kubernetes: .*startup-bad\.yaml:\d+: /);
});

test('manifests: a missing path, or one holding no Kubernetes object, fails the setup with the position of manifests', async (t) => {
  mkdirSync(join(dir, 'none', 'deeper'), { recursive: true });
  writeFileSync(join(dir, 'none', 'deeper', 'notes.txt'), yaml(service('default', 'not-a-manifest-file')));
  writeFileSync(join(dir, 'none', 'values.yaml'), 'replicas: 3\nimage: nginx\n');
  writeFileSync(join(dir, 'empty.yaml'), '');
  writeFileSync(join(dir, 'comments.yaml'), '# nothing yet\n---\n');
  writeFileSync(join(dir, 'one.yaml'), yaml(service('default', 'one', { clusterIP: '10.4.0.1' })));
  const cases = [
    { paths: ['missing.yaml'], error: /missing\.yaml: no such file or directory$/ },
    { paths: ['empty.yaml'], error: /empty\.yaml: no Kubernetes object in it$/ },
    { paths: ['comments.yaml'], error: /comments\.yaml: no Kubernetes object in it$/ },
    { paths: ['one.yaml', 'none'], error: /none: no Kubernetes object in its \*\.yaml, \*\.yml and \*\.json files$/ },
  ];
  for (const c of cases) {
    await t.test(c.paths.join(' '), async () => {
      const corefile = `cluster.local {\n kubernetes {\n  ttl 10\n  manifests ${c.paths.map((p) => join(dir, p)).join(' ')}\n }\n}`;
      const failed = await startTestServer(corefile, { plugins: [kubernetes] }).then(
        async (s) => {
          await s.stop();
          return assert.fail('started');
        },
        (err: Error) => err.message,
      );
      assert.match(failed, /^Corefile:4: kubernetes: manifests: /);
      assert.match(failed, c.error);
    });
  }
});

test('manifests: namespace_labels exposes only the declared namespaces that match', async (t) => {
  const file = join(dir, 'nslabels.yaml');
  writeFileSync(file, yaml(namespace('team-a', { dns: 'on' }), namespace('team-b'), service('team-a', 'api', { clusterIP: '10.2.0.1' }), service('team-b', 'api', { clusterIP: '10.2.0.2' }), service('team-c', 'api', { clusterIP: '10.2.0.3' })));
  const s = await startTestServer(`cluster.local {\n kubernetes {\n  manifests ${file}\n  namespace_labels dns=on\n }\n}`, { plugins: [kubernetes] });
  t.after(() => s.stop());
  assertCase((await s.query('api.team-a.svc.cluster.local', 'A')).packet, { qname: 'api', qtype: 'A', answer: ['api.team-a.svc.cluster.local. 5 IN A 10.2.0.1'] });
  for (const ns of ['team-b', 'team-c']) assertCase((await s.query(`api.${ns}.svc.cluster.local`, 'A')).packet, { qname: 'api', qtype: 'A', rcode: 'NXDOMAIN' });
});

test('manifests: pods verified leaves out finished and terminating pods, as the API field selector does', async (t) => {
  const file = join(dir, 'pods.yaml');
  writeFileSync(
    file,
    yaml(
      pod('batch', 'job-1-x', ['10.3.0.1'], { phase: 'Succeeded' }),
      pod('batch', 'job-2-x', ['10.3.0.2'], { phase: 'Failed' }),
      pod('batch', 'going', ['10.3.0.3'], { terminating: true }),
      pod('batch', 'web-0', ['10.3.0.4']),
    ),
  );
  const s = await startTestServer(`cluster.local {\n kubernetes {\n  manifests ${file}\n  pods verified\n }\n}`, { plugins: [kubernetes] });
  t.after(() => s.stop());
  for (const ip of ['10.3.0.1', '10.3.0.2', '10.3.0.3']) {
    const name = `${ip.replaceAll('.', '-')}.batch.pod.cluster.local`;
    assertCase((await s.query(name, 'A')).packet, { qname: name, qtype: 'A', rcode: 'NXDOMAIN' });
  }
  assertCase((await s.query('10-3-0-4.batch.pod.cluster.local', 'A')).packet, { qname: 'p', qtype: 'A', answer: ['10-3-0-4.batch.pod.cluster.local. 5 IN A 10.3.0.4'] });
});
