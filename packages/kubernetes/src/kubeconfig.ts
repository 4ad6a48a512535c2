import { existsSync } from 'node:fs';
import type { KubeConfig } from '#client-node';
import type { KubernetesConfig } from './config.js';

/** Where a pod's service account token and CA live; the env var moves it (tests, sidecars). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_DIR_ENV = 'CHAINDNS_SERVICEACCOUNT_DIR';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The client configuration, as CoreDNS builds it: the kubeconfig file (and
 * context) when given, else `endpoint` with the `tls` files, else the
 * in-cluster service account (token and CA from the service-account
 * directory, the API server from KUBERNETES_SERVICE_HOST/PORT). Throws with
 * what is missing.
 */
export async function loadKubeConfig(config: KubernetesConfig, env: Env): Promise<KubeConfig> {
  const { KubeConfig } = await import('#client-node');
  const kc = new KubeConfig();
  if (config.kubeconfig) {
    const { path, context } = config.kubeconfig;
    if (!existsSync(path)) throw new Error(`kubeconfig: ${path}: no such file`);
    kc.loadFromFile(path);
    if (context !== null) {
      if (!kc.getContextObject(context)) throw new Error(`kubeconfig: ${path}: context "${context}" does not exist`);
      kc.setCurrentContext(context);
    }
    if (!kc.getCurrentCluster()) throw new Error(`kubeconfig: ${path}: no current context or cluster`);
    return allowPlainHttp(kc);
  }
  if (config.endpoint) {
    const tls = config.tls;
    for (const file of tls ? [tls.cert, tls.key, tls.ca] : []) if (!existsSync(file)) throw new Error(`tls: ${file}: no such file`);
    kc.loadFromClusterAndUser(
      { name: 'endpoint', server: config.endpoint, skipTLSVerify: false, ...(tls ? { caFile: tls.ca } : {}) },
      { name: 'endpoint', ...(tls ? { certFile: tls.cert, keyFile: tls.key } : {}) },
    );
    return allowPlainHttp(kc);
  }
  return inClusterConfig(kc, env);
}

/**
 * client-node refuses an http:// server unless TLS verification is
 * "skipped"; client-go uses one as it is (`kubectl proxy` serves http). Plain
 * http has no TLS to verify: mark it skipped, whatever the source.
 */
function allowPlainHttp(kc: KubeConfig): KubeConfig {
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') ? { ...c, skipTLSVerify: true } : c));
  return kc;
}

/** The plugin connects in-cluster when nothing else is given: what to give instead. */
const OUTSIDE = '; outside a cluster, use kubeconfig, endpoint or manifests';

/** client-go's InClusterConfig: always https, the token re-read as it rotates. */
export function inClusterConfig(kc: KubeConfig, env: Env): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error(`unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined${OUTSIDE}`);
  const dir = env[SERVICE_ACCOUNT_DIR_ENV] || SERVICE_ACCOUNT_DIR;
  const token = `${dir}/token`;
  if (!existsSync(token)) throw new Error(`unable to load in-cluster configuration: ${token}: no such file${OUTSIDE}`);
  kc.loadFromClusterAndUser(
    // Brackets as Go's net.JoinHostPort puts them: around any host with a colon.
    { name: 'inCluster', server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, caFile: `${dir}/ca.crt`, skipTLSVerify: false },
    { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: token } } },
  );
  return kc;
}
