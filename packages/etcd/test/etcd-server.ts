import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort, type TestCertificates } from '@chaindns/core/testing';
import { Etcd3 } from 'etcd3';

/**
 * A real etcd (Debian's etcd-server) on 127.0.0.1, free ports and a temporary
 * data directory, with a client for writing records. `stop()` and `start()`
 * take it away and bring it back on the same ports and data.
 */
export interface TestEtcd {
  /** The client URL: `http://127.0.0.1:PORT` (https:// with TLS). */
  readonly endpoint: string;
  /** Writes and reads as root (when auth is on). */
  readonly client: Etcd3;
  /** Writes a SkyDNS record (an object is written as its JSON). */
  put(key: string, value: object | string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Kills etcd (SIGKILL: gone, as a crash or a partition leaves it). */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /** Stops etcd's process (SIGSTOP): its connections stay up and nothing answers, as when it hangs. */
  pause(): void;
  /** Lets a paused etcd run on. */
  resume(): void;
  /** Stops etcd and removes its data. */
  stop(): Promise<void>;
}

export interface TestEtcdOptions {
  /** Serve TLS with the kit's certificates, requiring a client certificate the CA signed. */
  readonly tls?: TestCertificates;
  /** Turn auth on with a root user of this password. */
  readonly rootPassword?: string;
}

export async function startEtcd(options: TestEtcdOptions = {}): Promise<TestEtcd> {
  const dir = await mkdtemp(join(tmpdir(), 'chaindns-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = options.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'test', '--data-dir', join(dir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `test=${peer}`,
    '--logger', 'zap', '--log-level', 'error',
    ...(options.tls ? ['--cert-file', options.tls.server.cert.path, '--key-file', options.tls.server.key.path, '--trusted-ca-file', options.tls.ca.path, '--client-cert-auth'] : []),
  ];
  let child: ChildProcess | null = null;
  let output = '';
  const client = new Etcd3({
    hosts: endpoint,
    ...(options.tls && { credentials: { rootCertificate: options.tls.ca.pem, privateKey: options.tls.client.key.pem, certChain: options.tls.client.cert.pem } }),
    ...(options.rootPassword && { auth: { username: 'root', password: options.rootPassword } }),
  });
  const admin = new Etcd3({ hosts: endpoint, ...(options.tls && { credentials: { rootCertificate: options.tls.ca.pem, privateKey: options.tls.client.key.pem, certChain: options.tls.client.cert.pem } }) });

  const spawnEtcd = (): void => {
    const c = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    c.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    c.once('exit', (code, signal) => {
      if (child === c) child = null;
      output += `\n(etcd exited ${code ?? signal})`;
    });
  };
  const answers = (by: Etcd3, what: string): Promise<number> =>
    eventually(
      async () => {
        if (!child) throw new Error(`etcd is not running: ${output}`);
        await by.get('probe').string();
        return true;
      },
      15_000,
      what,
    );
  const start = async (): Promise<void> => {
    spawnEtcd();
    await answers(client, 'etcd to answer');
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (!c) return;
    child = null;
    c.kill('SIGKILL');
    if (c.exitCode === null && c.signalCode === null) await once(c, 'exit');
  };

  if (options.rootPassword) {
    // Auth goes on once, through a client that needs none yet.
    spawnEtcd();
    await answers(admin, 'etcd to answer');
    await admin.role('root').create();
    await admin.user('root').create(options.rootPassword);
    await admin.user('root').addRole('root');
    await admin.auth.authEnable({});
    await answers(client, 'etcd to answer with auth');
  } else {
    await start();
  }

  return {
    endpoint,
    client,
    put: async (key, value) => {
      await client.put(key).value(typeof value === 'string' ? value : JSON.stringify(value));
    },
    delete: async (key) => {
      await client.delete().key(key);
    },
    kill,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      child?.kill('SIGCONT');
      await kill();
      client.close();
      admin.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
