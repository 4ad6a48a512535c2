import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createLogger, parseCorefile, Registry } from '@chaindns/core';
import { assertCase, startTestServer } from '@chaindns/core/testing';
import { ClusterIndex, type KubernetesConfig, kubernetes } from '../src/index.js';
import { loadKubeConfig, SERVICE_ACCOUNT_DIR_ENV } from '../src/kubeconfig.js';
import { kubernetesMetrics } from '../src/metrics.js';
import { resourcesFor } from '../src/resources.js';
import { type FakeApiServer, namespace, service, startFakeApiServer } from '../src/testing/index.js';
import { ApiSource } from '../src/watch.js';
import { eventually } from './helpers.js';
import { startConnectProxy, startSocks5Proxy } from './proxies.js';

const dir = mkdtempSync(join(tmpdir(), 'chaindns-k8s-tls-'));
const file = (name: string): string => join(dir, name);

/** A self-signed certificate for 127.0.0.1. */
function selfSigned(name: string): void {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`)], { stdio: 'ignore' });
}

let api: FakeApiServer;
before(async () => {
  selfSigned('server');
  selfSigned('other');
  writeFileSync(file('token'), 's3cr3t-token');
  writeFileSync(file('ca.crt'), readFileSync(file('server.crt')));
  api = await startFakeApiServer({ tls: { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')) }, token: 's3cr3t-token' });
  api.apply(namespace('default'), service('default', 'secure', { clusterIP: '10.96.3.3' }));
});
after(async () => {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

function config(lines: string[] = []): KubernetesConfig {
  const d = parseCorefile(`cluster.local {\n kubernetes {\n${lines.map((l) => `  ${l}\n`).join('')} }\n}`).blocks[0]!.directives[0]!;
  return kubernetes.parse(d, { zones: ['cluster.local.'], port: 53, warn: () => {} });
}

/** Syncs an index from the API with `cfg` and `env`, then runs `running` while it keeps watching; returns it and the log lines. */
async function sync(cfg: KubernetesConfig, env: Record<string, string>, expectSynced = true, running?: (index: ClusterIndex) => Promise<void>): Promise<{ index: ClusterIndex; logs: string[] }> {
  const logs: string[] = [];
  const kc = await loadKubeConfig(cfg, env);
  const index = new ClusterIndex();
  const source = new ApiSource(kc, resourcesFor(cfg), index, createLogger({ sink: (l) => logs.push(l) }), kubernetesMetrics(new Registry()), { qps: null, burst: null, maxInflight: null });
  source.start();
  try {
    if (expectSynced) await eventually(async () => assert.ok(source.synced), 5000);
    else await new Promise((r) => setTimeout(r, 500));
    assert.equal(source.synced, expectSynced);
    await running?.(index);
  } finally {
    await source.stop();
  }
  return { index, logs };
}

test('in-cluster: the service account token and CA, the API server from KUBERNETES_SERVICE_HOST/PORT', async () => {
  const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port), [SERVICE_ACCOUNT_DIR_ENV]: dir };
  const { index } = await sync(config(), env);
  assert.equal(index.service('secure', 'default')?.clusterIPs[0], '10.96.3.3');
  await assert.rejects(loadKubeConfig(config(), { [SERVICE_ACCOUNT_DIR_ENV]: dir }), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
  await assert.rejects(loadKubeConfig(config(), { ...env, [SERVICE_ACCOUNT_DIR_ENV]: join(dir, 'nowhere') }), /nowhere\/token: no such file/);
});

test('in-cluster: list pages share kept-alive connections instead of a TLS handshake each', async (t) => {
  // Without a watch cache the API server pages even the first list (resourceVersion=0).
  const paged = await startFakeApiServer({ tls: { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')) }, token: 's3cr3t-token', watchCache: false });
  t.after(() => paged.stop());
  paged.apply(namespace('default'), ...Array.from({ length: 5000 }, (_, i) => service('default', `s${i}`, { clusterIP: `10.96.${i >> 8}.${i & 255}` })));
  const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(paged.port), [SERVICE_ACCOUNT_DIR_ENV]: dir };
  const { index } = await sync(config(), env);
  assert.equal(index.service('s4999', 'default')?.clusterIPs[0], '10.96.19.135');
  const lists = paged.requests.filter((r) => r.query.get('watch') !== 'true').length;
  assert.ok(lists >= 12, `${lists} list requests: ten pages of services, one of EndpointSlices, one of namespaces`);
  // The three lists run at once, each with up to two pages asked for (the next one while one arrives): two connections for
  // the services' ten pages, one each for the single pages of the other two lists, and one for each watch (client-node's own).
  assert.ok(paged.connectionCount <= 7, `${paged.connectionCount} connections for ${paged.requests.length} requests`);
});

test('in-cluster: a rotated service-account token is read again within a minute, as client-go does', async (t) => {
  const sa = mkdtempSync(join(dir, 'rotated-'));
  writeFileSync(join(sa, 'token'), 'first-token');
  writeFileSync(join(sa, 'ca.crt'), readFileSync(file('server.crt')));
  const rotating = await startFakeApiServer({ tls: { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')) }, token: 'first-token' });
  t.after(() => rotating.stop());
  rotating.apply(namespace('default'), service('default', 'before', { clusterIP: '10.96.4.1' }));
  // Only the clock of Date moves by hand: the client re-reads the token file once its copy is a minute old.
  t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(rotating.port), [SERVICE_ACCOUNT_DIR_ENV]: sa };
  const { logs } = await sync(config(), env, true, async (index) => {
    assert.equal(index.service('before', 'default')?.clusterIPs[0], '10.96.4.1');
    await eventually(() => assert.equal(rotating.watchCount, 3), 5000);
    // The kubelet writes the new token; the API server accepts only it from now on.
    writeFileSync(join(sa, 'token'), 'second-token');
    rotating.requireToken('second-token');
    t.mock.timers.tick(61_000);
    const seen = rotating.requests.length;
    rotating.dropWatches(); // every informer opens a new watch, with whatever token it now sends
    rotating.apply(service('default', 'after', { clusterIP: '10.96.4.2' }));
    await eventually(() => assert.equal(index.service('after', 'default')?.clusterIPs[0], '10.96.4.2'), 5000);
    assert.ok(rotating.requests.length > seen, 'the watches were opened again');
  });
  assert.deepEqual(logs.filter((l) => l.startsWith('[WARNING]')), [], 'no request was refused');
});

test('a kubeconfig user with an exec credential plugin: the token it prints authenticates', async () => {
  const credential = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 's3cr3t-token' } };
  const path = file('exec-kubeconfig.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: exec',
      `clusters:\n- name: exec\n  cluster:\n    server: ${api.url}\n    certificate-authority: ${file('server.crt')}`,
      `users:\n- name: plugin\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${process.execPath}\n      args: ["-e", ${JSON.stringify(`console.log(${JSON.stringify(JSON.stringify(credential))})`)}]\n      interactiveMode: Never`,
      'contexts:\n- name: exec\n  context:\n    cluster: exec\n    user: plugin',
      '',
    ].join('\n'),
  );
  const { index } = await sync(config([`kubeconfig ${path}`]), {});
  assert.equal(index.service('secure', 'default')?.clusterIPs[0], '10.96.3.3');
});

test('in-cluster with a CA that did not sign the server: no sync, a warning, retries', async () => {
  const other = mkdtempSync(join(dir, 'sa-'));
  writeFileSync(join(other, 'token'), 's3cr3t-token');
  writeFileSync(join(other, 'ca.crt'), readFileSync(file('other.crt')));
  const { logs } = await sync(config(), { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port), [SERVICE_ACCOUNT_DIR_ENV]: other }, false);
  assert.ok(logs.some((l) => l.startsWith('[WARNING] failed to watch Services: ')), logs.join('\n'));
});

/** A kubeconfig file whose current context is a cluster that does not answer, and a context per entry of `clusters`. */
function writeKubeconfig(name: string, clusters: Record<string, string[]>): string {
  const path = file(name);
  const entries = Object.entries(clusters);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: broken',
      'clusters:',
      ...entries.map(([ctx, lines]) => `- name: ${ctx}\n  cluster:\n${lines.map((l) => `    ${l}\n`).join('')}`),
      '- name: elsewhere\n  cluster:\n    server: https://127.0.0.1:1',
      'users:',
      '- name: robot\n  user:\n    token: s3cr3t-token',
      'contexts:',
      ...entries.map(([ctx]) => `- name: ${ctx}\n  context:\n    cluster: ${ctx}\n    user: robot`),
      '- name: broken\n  context:\n    cluster: elsewhere\n    user: robot',
      '',
    ].join('\n'),
  );
  return path;
}

test('kubeconfig files: http (kubectl proxy), https with certificate-authority, https with insecure-skip-tls-verify; CONTEXT picks a non-current one', async (t) => {
  const plain = await startFakeApiServer({ token: 's3cr3t-token' });
  t.after(() => plain.stop());
  plain.apply(namespace('default'), service('default', 'plain', { clusterIP: '10.96.3.5' }));
  const kubeconfig = writeKubeconfig('kubeconfig.yaml', {
    proxy: [`server: ${plain.url}`],
    verified: [`server: ${api.url}`, `certificate-authority: ${file('server.crt')}`],
    insecure: [`server: ${api.url}`, 'insecure-skip-tls-verify: true'],
    untrusted: [`server: ${api.url}`, `certificate-authority: ${file('other.crt')}`],
  });
  const rows = [
    { context: 'proxy', name: 'plain.default.svc.cluster.local.', ip: '10.96.3.5' },
    { context: 'verified', name: 'secure.default.svc.cluster.local.', ip: '10.96.3.3' },
    { context: 'insecure', name: 'secure.default.svc.cluster.local.', ip: '10.96.3.3' },
    { context: 'untrusted', name: 'secure.default.svc.cluster.local.', ip: null },
  ];
  for (const row of rows) {
    await t.test(row.context, async () => {
      const dns = await startTestServer(`cluster.local {\n kubernetes {\n  kubeconfig ${kubeconfig} ${row.context}\n  startup_timeout ${row.ip ? '5s' : '500ms'}\n }\n}`, { plugins: [kubernetes] });
      try {
        const reply = await dns.query(row.name, 'A');
        if (row.ip) assertCase(reply.packet, { qname: row.name, qtype: 'A', answer: [`${row.name} 5 IN A ${row.ip}`] });
        else assertCase(reply.packet, { qname: row.name, qtype: 'A', rcode: 'SERVFAIL' });
        assert.deepEqual(dns.server.status.notReady(), row.ip ? [] : ['kubernetes'], dns.logs.join('\n'));
      } finally {
        await dns.stop();
      }
    });
  }
  await assert.rejects(loadKubeConfig(config([`kubeconfig ${kubeconfig} missing`]), {}), /context "missing" does not exist/);
  await assert.rejects(loadKubeConfig(config([`kubeconfig ${file('none.yaml')}`]), {}), /none\.yaml: no such file/);
});

test('kubeconfig proxy-url: an HTTP proxy (CONNECT) and a SOCKS5 one carry the list and the watch to the API server', async (t) => {
  const http = await startConnectProxy();
  const socks = await startSocks5Proxy();
  t.after(() => Promise.all([http.stop(), socks.stop()]));
  const cluster = (proxy: string): string[] => [`server: ${api.url}`, `certificate-authority: ${file('server.crt')}`, `proxy-url: ${proxy}`];
  const kubeconfig = writeKubeconfig('proxied.yaml', { http: cluster(`http://127.0.0.1:${http.port}`), socks: cluster(`socks5://127.0.0.1:${socks.port}`) });
  for (const [context, proxy] of [['http', http], ['socks', socks]] as const) {
    const { index } = await sync(config([`kubeconfig ${kubeconfig} ${context}`]), {});
    assert.equal(index.service('secure', 'default')?.clusterIPs[0], '10.96.3.3', context);
    assert.ok(proxy.targets.length > 0 && proxy.targets.every((to) => to === `127.0.0.1:${api.port}`), `${context}: ${proxy.targets.join(', ')}`);
  }
});

test('endpoint with tls: the CA file verifies the server', async () => {
  const open = await startFakeApiServer({ tls: { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')) } });
  try {
    open.apply(namespace('default'), service('default', 'tls', { clusterIP: '10.96.3.4' }));
    const cfg = config([`endpoint ${open.url}`, `tls ${file('other.crt')} ${file('other.key')} ${file('server.crt')}`]);
    const { index } = await sync(cfg, {});
    assert.equal(index.service('tls', 'default')?.clusterIPs[0], '10.96.3.4');
    await assert.rejects(loadKubeConfig(config([`endpoint ${open.url}`, `tls a.pem b.pem ${file('server.crt')}`]), {}), /tls: a\.pem: no such file/);
  } finally {
    await open.stop();
  }
});
