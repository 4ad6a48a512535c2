import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PEM file: where it is, and what it holds. */
export interface PemFile {
  readonly path: string;
  readonly pem: Buffer;
}

export interface CertificateAndKey {
  readonly cert: PemFile;
  readonly key: PemFile;
}

/** Certificates for tests of DNS over TLS and HTTPS, in a fresh temporary directory. */
export interface TestCertificates {
  readonly dir: string;
  /** A CA that signed `server` and `client`. */
  readonly ca: PemFile;
  /** For `localhost`, 127.0.0.1 and ::1 (server authentication). */
  readonly server: CertificateAndKey;
  /** A client certificate the CA signed (client authentication). */
  readonly client: CertificateAndKey;
  /** A self-signed client certificate no CA vouches for. */
  readonly stranger: CertificateAndKey;
  /** Removes the directory. */
  remove(): Promise<void>;
}

/** The extensions of a certificate the CA signs. */
function extensions(usage: 'serverAuth' | 'clientAuth'): string {
  const names = usage === 'serverAuth' ? 'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n' : '';
  return `basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = ${usage}\n${names}`;
}

/**
 * Makes a CA, a server certificate and a client certificate it signs, and a
 * stranger's self-signed client certificate (P-256 keys, valid two days),
 * with the `openssl` command (Debian's `openssl` package), run asynchronously:
 * a test's server may already run in the same event loop.
 */
export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'chaindns-certs-'));
  const file = (name: string): string => join(dir, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...newKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=chaindns test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const signed = async (name: string, cn: string, usage: 'serverAuth' | 'clientAuth'): Promise<void> => {
    await writeFile(file(`${name}.ext`), extensions(usage));
    await run('openssl', ['req', '-new', ...newKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${cn}`]);
    await run('openssl', ['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`)]);
  };
  await signed('server', 'localhost', 'serverAuth');
  await signed('client', 'client', 'clientAuth');
  await run('openssl', ['req', '-x509', ...newKey, '-keyout', file('stranger.key'), '-out', file('stranger.pem'), '-days', '2', '-subj', '/CN=stranger', '-addext', 'extendedKeyUsage=clientAuth']);
  const pem = async (name: string): Promise<PemFile> => ({ path: file(name), pem: await readFile(file(name)) });
  const pair = async (name: string): Promise<CertificateAndKey> => ({ cert: await pem(`${name}.pem`), key: await pem(`${name}.key`) });
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  return { dir, ca: await pem('ca.pem'), server: await pair('server'), client: await pair('client'), stranger: await pair('stranger'), remove };
}
