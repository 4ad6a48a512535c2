import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { configError, definePlugin, type NamedFile } from '@chaindns/core';
import { type EtcdConfig, parseEtcd, type TlsFiles } from './config.js';
import { createEtcd } from './etcd.js';
import { type ConnectOptions, connect, EtcdStore } from './etcd-store.js';

export type { EtcdConfig } from './config.js';

/** The PEM files `tls` names, read now; the system's CAs where it names none. */
function readTls(files: TlsFiles): NonNullable<ConnectOptions['tls']> {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      configError(files.at, `etcd: tls: cannot read the ${what} ${path}: ${(err as Error).message}`);
    }
  };
  return {
    ca: files.ca === null ? Buffer.from(rootCertificates.join('\n')) : read(files.ca, 'CA certificate'),
    ...(files.cert !== null && { cert: read(files.cert, 'certificate') }),
    ...(files.key !== null && { key: read(files.key, 'key') }),
  };
}

/** `etcd`: SkyDNS records from etcd v3, kept by a watch. */
export const etcd = definePlugin<EtcdConfig>({
  name: 'etcd',
  parse: parseEtcd,
  files(config) {
    const tls = config.tls;
    if (!tls) return [];
    const named: NamedFile[] = [];
    if (tls.cert !== null) named.push({ path: tls.cert, at: tls.at, what: 'TLS certificate' });
    if (tls.key !== null) named.push({ path: tls.key, at: tls.at, what: 'TLS key' });
    if (tls.ca !== null) named.push({ path: tls.ca, at: tls.at, what: 'CA certificate' });
    return named;
  },
  async setup(config, ctx) {
    const tls = config.tls && readTls(config.tls);
    const client = await connect({ endpoints: config.endpoints, tls, credentials: config.credentials });
    const store = new EtcdStore(client, { base: config.base, minLeaseTtl: config.minLeaseTtl, maxLeaseTtl: config.maxLeaseTtl, endpoints: config.endpoints, log: ctx.log });
    ctx.registerReady('etcd', () => store.loaded);
    ctx.onStartup(() => store.start());
    ctx.onShutdown(() => store.close());
    return createEtcd({
      zones: config.zones,
      fallthrough: config.fallthrough,
      base: config.base,
      source: store,
      resolve: (qname, qtype, via) => ctx.resolve(qname, qtype, via),
    });
  },
});
