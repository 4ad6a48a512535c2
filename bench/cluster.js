// A stand-in cluster for the footprint bench: the kubernetes plugin's stand-in API server
// (@chaindns/kubernetes/testing) in this process, over TLS with a bearer token, holding SERVICES
// services with ENDPOINTS endpoints each, and the service-account directory and environment that
// make chaindns connect to it as it does inside a pod (in-cluster config, no Corefile option).
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyCluster, serviceName } from './cluster-records.js';

/** The API paths the plugin lists with CoreDNS's default Corefile (`pods insecure` watches no pods). */
const LISTED = [
  ['/api/v1/services', 'Service'],
  ['/apis/discovery.k8s.io/v1/endpointslices', 'EndpointSlice'],
  ['/api/v1/namespaces', 'Namespace'],
];

/**
 * Starts the stand-in API server with the cluster; `dir` receives the TLS key and certificate and
 * the service-account directory. Resolves with the server, the environment for chaindns, and a
 * query name per service.
 */
export async function startCluster({ services, endpointsPerService, dir }) {
  const fixtures = await import('@chaindns/kubernetes/testing');
  const sa = join(dir, 'serviceaccount');
  mkdirSync(sa, { recursive: true });
  const key = join(dir, 'apiserver.key');
  const cert = join(dir, 'apiserver.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const token = 'footprint-bench-token';
  writeFileSync(join(sa, 'token'), token);
  writeFileSync(join(sa, 'ca.crt'), readFileSync(cert));
  const api = await fixtures.startFakeApiServer({ tls: { key: readFileSync(key), cert: readFileSync(cert) }, token, bookmarkIntervalMs: 60_000 });
  applyCluster({ services, endpointsPerService }, fixtures, (obj) => api.apply(obj));
  api.encodeAll();
  const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(api.port), CHAINDNS_SERVICEACCOUNT_DIR: sa };
  return {
    api,
    env,
    /** The name of service `i`. */
    name: (i) => serviceName(services, i),
    /**
     * Milliseconds a warm client takes to list what the plugin lists, concurrently, as the plugin asks (resourceVersion=0,
     * which the stand-in answers in one page as kube-apiserver's watch cache does; else pages of 500), every item read:
     * in Protocol Buffers (decoded as the plugin decodes them), what the plugin asks for, or in JSON (parsed).
     */
    listMs: (encoding = 'protobuf') => listAll(api.port, token, readFileSync(cert), encoding, fixtures.readProtoList),
  };
}

async function listAll(port, token, ca, encoding, readProtoList) {
  const started = performance.now();
  await Promise.all(LISTED.map(([path, kind]) => listPaged(port, token, ca, path, encoding, (body) => readProtoList(kind, body))));
  return performance.now() - started;
}

async function listPaged(port, token, ca, path, encoding, readProto) {
  let next = '';
  do {
    const query = new URLSearchParams({ limit: '500', ...(next ? { continue: next } : { resourceVersion: '0' }) });
    const body = await get(port, token, ca, `${path}?${query}`, ACCEPT[encoding]);
    const page = encoding === 'json' ? JSON.parse(body.toString('utf8')) : readProto(body);
    next = page.metadata?.continue ?? '';
  } while (next);
}

const ACCEPT = { json: 'application/json', protobuf: 'application/vnd.kubernetes.protobuf' };

function get(port, token, ca, path, accept) {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path, ca, headers: { authorization: `Bearer ${token}`, accept } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${path}: ${res.statusCode}`))));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
