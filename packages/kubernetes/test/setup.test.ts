import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { type KubernetesConfig, kubernetes } from '../src/index.js';

interface Row {
  readonly corefile: string;
  /** Fields expected in the config (the rest keep their defaults). */
  readonly want?: Partial<KubernetesConfig> & { labelsText?: string; namespaceLabelsText?: string };
  readonly error?: RegExp;
  readonly warnings?: readonly RegExp[];
}

const defaults: KubernetesConfig = {
  at: { file: 'Corefile', line: 2 },
  zones: ['cluster.local.'],
  primaryZone: 'cluster.local.',
  endpoint: null,
  tls: null,
  kubeconfig: null,
  namespaces: [],
  namespaceLabels: null,
  labels: null,
  pods: 'disabled',
  endpointPodNames: false,
  ttl: 5,
  noEndpoints: false,
  fallthrough: null,
  ignoreEmptyService: false,
  startupTimeoutMs: 5000,
  apiserverQps: null,
  apiserverBurst: null,
  apiserverMaxInflight: null,
  manifests: null,
};

const block = (body: string, key = 'cluster.local'): string => `${key} {\n kubernetes${body}\n}`;
const sub = (...lines: string[]): string => ` {\n${lines.map((l) => `  ${l}`).join('\n')}\n }`;

const rows: Row[] = [
  { corefile: block(''), want: {} },
  {
    corefile: block(` cluster.local in-addr.arpa ip6.arpa${sub('pods insecure', 'fallthrough in-addr.arpa ip6.arpa', 'ttl 30')}`, '.'),
    want: { zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'], pods: 'insecure', fallthrough: ['in-addr.arpa.', 'ip6.arpa.'], ttl: 30 },
  },
  { corefile: block(' Cluster.Local 10.0.0.0/24', '.'), want: { zones: ['cluster.local.', '0.0.10.in-addr.arpa.'] } },
  { corefile: block(' in-addr.arpa', '.'), error: /Corefile:2: kubernetes: non-reverse zone name must be used/ },
  { corefile: block(' 10.0.0.0/8 cluster.local', '.'), want: { zones: ['10.in-addr.arpa.', 'cluster.local.'] } },
  { corefile: block(sub('endpoint https://k8s:6443/')), want: { endpoint: 'https://k8s:6443' } },
  { corefile: block(sub('endpoint http://a:8080 http://b:8080')), want: { endpoint: 'http://a:8080' }, warnings: [/Corefile:3: kubernetes: multiple endpoints are deprecated/] },
  { corefile: block(sub('endpoint ftp://a')), error: /Corefile:3: kubernetes: endpoint "ftp:\/\/a" is not an http:\/\/ or https:\/\/ URL/ },
  { corefile: block(sub('endpoint https://k8s:6443', 'tls cert.pem key.pem ca.pem')), want: { endpoint: 'https://k8s:6443', tls: { cert: 'cert.pem', key: 'key.pem', ca: 'ca.pem' } } },
  { corefile: block(sub('tls cert.pem key.pem')), error: /Corefile:3: kubernetes: tls: expected 3 arguments, got 2/ },
  { corefile: block(sub('tls cert.pem key.pem ca.pem')), want: {}, warnings: [/Corefile:3: kubernetes: tls is ignored without endpoint/] },
  { corefile: block(sub('kubeconfig /etc/kube.conf prod')), want: { kubeconfig: { path: '/etc/kube.conf', context: 'prod' } } },
  { corefile: block(sub('kubeconfig /etc/kube.conf')), want: { kubeconfig: { path: '/etc/kube.conf', context: null } } },
  {
    corefile: block(sub('endpoint https://k8s:6443', 'kubeconfig /etc/kube.conf')),
    want: { kubeconfig: { path: '/etc/kube.conf', context: null } },
    warnings: [/Corefile:3: kubernetes: endpoint is ignored: the kubeconfig names the API server/],
  },
  { corefile: block(sub('kubeconfig a b c')), error: /Corefile:3: kubernetes: kubeconfig: expected 1 to 2 arguments, got 3/ },
  { corefile: block(sub('namespaces Default kube-system', 'namespaces staging')), want: { namespaces: ['default', 'kube-system', 'staging'] } },
  { corefile: block(sub('namespaces')), error: /Corefile:3: kubernetes: namespaces: expected at least 1 arguments?, got 0/ },
  { corefile: block(sub('labels environment in (staging, qa),application=nginx')), want: { labelsText: 'environment in (qa,staging),application=nginx' } },
  { corefile: block(sub('labels app=')), want: { labelsText: 'app=' } },
  { corefile: block(sub('labels a in (')), error: /Corefile:3: kubernetes: unable to parse labels value "a in \("/ },
  { corefile: block(sub('namespace_labels istio-injection=enabled')), want: { namespaceLabelsText: 'istio-injection=enabled' } },
  { corefile: block(sub('pods verified')), want: { pods: 'verified' } },
  { corefile: block(sub('pods bogus')), error: /Corefile:3: kubernetes: pods: expected one of disabled, insecure, verified, got "bogus"/ },
  { corefile: block(sub('endpoint_pod_names')), want: { endpointPodNames: true } },
  { corefile: block(sub('endpoint_pod_names yes')), error: /Corefile:3: kubernetes: endpoint_pod_names: expected 0 arguments, got 1/ },
  { corefile: block(sub('ttl 0')), want: { ttl: 0 } },
  { corefile: block(sub('ttl 3601')), error: /Corefile:3: kubernetes: ttl: 3601 is out of range: expected 0 to 3600/ },
  { corefile: block(sub('ttl -1')), error: /Corefile:3: kubernetes: ttl: -1 is out of range/ },
  { corefile: block(sub('ttl five')), error: /Corefile:3: kubernetes: ttl: expected an integer, got "five"/ },
  { corefile: block(sub('noendpoints')), want: { noEndpoints: true } },
  { corefile: block(sub('fallthrough')), want: { fallthrough: ['.'] } },
  { corefile: block(sub('fallthrough 10.0.0.0/16')), want: { fallthrough: ['0.10.in-addr.arpa.'] } },
  { corefile: block(sub('ignore empty_service')), want: { ignoreEmptyService: true } },
  { corefile: block(sub('ignore emptyservice')), error: /Corefile:3: kubernetes: ignore: expected one of empty_service, got "emptyservice"/ },
  { corefile: block(sub('startup_timeout 30s')), want: { startupTimeoutMs: 30000 } },
  { corefile: block(sub('startup_timeout 30')), error: /Corefile:3: kubernetes: startup_timeout: expected a duration/ },
  { corefile: block(sub('apiserver_qps 50', 'apiserver_burst 100', 'apiserver_max_inflight 20')), want: { apiserverQps: 50, apiserverBurst: 100, apiserverMaxInflight: 20 } },
  { corefile: block(sub('apiserver_qps 0')), error: /Corefile:3: kubernetes: apiserver_qps must be a number above 0/ },
  { corefile: block(sub('apiserver_burst 0')), error: /Corefile:3: kubernetes: apiserver_burst: 0 is out of range/ },
  { corefile: block(sub('apiserver_max_inflight many')), error: /Corefile:3: kubernetes: apiserver_max_inflight: expected an integer/ },
  { corefile: block(sub('manifests cluster.yaml more/')), want: { manifests: { paths: ['cluster.yaml', 'more/'], at: { file: 'Corefile', line: 3 } } } },
  { corefile: block(sub('manifests cluster.yaml', 'endpoint https://k8s:6443')), error: /Corefile:4: kubernetes: manifests cannot be combined with endpoint/ },
  { corefile: block(sub('manifests')), error: /Corefile:3: kubernetes: manifests: expected at least 1 arguments?/ },
  { corefile: block(sub('resyncperiod 30s', 'upstream', 'transfer to *')), want: {}, warnings: [/Corefile:3: kubernetes: resyncperiod is no longer supported/, /Corefile:4: kubernetes: upstream is no longer supported/, /Corefile:5: kubernetes: transfer is no longer supported/] },
  { corefile: block(sub('multicluster clusterset.local')), error: /Corefile:3: kubernetes: unknown property "multicluster"/ },
  { corefile: block(sub('ttl 30', 'ttl 40')), error: /Corefile:4: kubernetes: "ttl" given more than once/ },
];

test('kubernetes setup', async (t) => {
  for (const row of rows) {
    await t.test(row.corefile.replace(/\s+/g, ' '), () => {
      const parsed = parseCorefile(row.corefile);
      const blockZones = [...new Set(parsed.blocks[0]!.keys.map((k) => k.zone))];
      const d = parsed.blocks[0]!.directives[0]!;
      const warnings: string[] = [];
      const ctx = { zones: blockZones, port: 53, warn: (tok: { file: string; line: number }, m: string) => warnings.push(`${tok.file}:${tok.line}: ${m}`) };
      if (row.error) {
        assert.throws(() => kubernetes.parse(d, ctx), row.error);
        return;
      }
      const config = kubernetes.parse(d, ctx);
      const { labelsText, namespaceLabelsText, ...want } = row.want ?? {};
      const { labels, namespaceLabels, ...rest } = { ...config };
      const { labels: _l, namespaceLabels: _n, ...restDefaults } = defaults;
      assert.deepEqual(rest, { ...restDefaults, ...want });
      assert.equal(labels?.text, labelsText);
      assert.equal(namespaceLabels?.text, namespaceLabelsText);
      assert.equal(warnings.length, row.warnings?.length ?? 0, warnings.join('\n'));
      row.warnings?.forEach((w, i) => assert.match(warnings[i]!, w));
    });
  }
});

test('files lists what setup will read: the kubeconfig, an endpoint\'s tls files, the manifests; nothing in-cluster', () => {
  const files = (body: string) => {
    const d = parseCorefile(block(body)).blocks[0]!.directives[0]!;
    return kubernetes.files!(kubernetes.parse(d, { zones: ['cluster.local.'], port: 53, warn: () => {} }));
  };
  const at = { file: 'Corefile', line: 2 };
  assert.deepEqual(files(sub('kubeconfig /etc/kube.conf prod')), [{ path: '/etc/kube.conf', at, what: 'kubeconfig' }]);
  assert.deepEqual(files(sub('endpoint https://k8s:6443', 'tls c.pem k.pem ca.pem')), ['c.pem', 'k.pem', 'ca.pem'].map((path) => ({ path, at, what: 'tls' })));
  assert.deepEqual(files(sub('manifests a.yaml dir/')), ['a.yaml', 'dir/'].map((path) => ({ path, at: { file: 'Corefile', line: 3 }, what: 'manifests', directory: true })));
  assert.deepEqual(files(sub('tls c.pem k.pem ca.pem')), [], 'tls without endpoint is ignored: not read');
  assert.deepEqual(files(''), []);
});

test('a CIDR zone off the octet boundary expands into every reverse zone it covers', () => {
  const d = parseCorefile('. {\n kubernetes cluster.local 10.0.0.0/17\n}').blocks[0]!.directives[0]!;
  const config = kubernetes.parse(d, { zones: ['.'], port: 53, warn: () => {} });
  assert.equal(config.zones.length, 1 + 128);
  assert.ok(config.zones.includes('127.0.10.in-addr.arpa.'));
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [kubernetes]);
});
