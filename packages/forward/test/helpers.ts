import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after } from 'node:test';
import { definePlugin, parseCorefile, type Registry } from '@chaindns/core';
import { freePort, startTestServer, type TestServer } from '@chaindns/core/testing';
import { forward, type ForwardConfig } from '../src/index.js';

/** Parses every `forward` of the first block of a Corefile and combines them, as the server does. */
export function parseForward(corefile: string, warn: (message: string) => void = () => {}): ForwardConfig {
  const block = parseCorefile(corefile).blocks[0]!;
  const ctx = { zones: block.keys.map((k) => k.zone), port: 53, warn: (_t: unknown, m: string) => warn(m) };
  const configs = block.directives.filter((d) => d.name === 'forward').map((d) => forward.parse(d, ctx));
  return configs.length === 1 ? configs[0]! : forward.combine!(configs);
}

/**
 * A reply to a raw query, built from its bytes: the same ID and question, QR,
 * AA and RA set, RD echoed, one A record (the name as a pointer to the
 * question); none when truncated (`tc`) or with an error rcode.
 */
export function answerA(query: Buffer, ip: string, options: { ttl?: number; rcode?: number; tc?: boolean } = {}): Buffer {
  let qEnd = 12;
  while (query[qEnd] !== 0) qEnd += query[qEnd]! + 1;
  qEnd += 5;
  const withAnswer = !options.tc && (options.rcode === undefined || options.rcode === 0);
  const out = Buffer.alloc(qEnd + (withAnswer ? 16 : 0));
  query.copy(out, 0, 0, qEnd);
  out[2] = 0x84 | (query[2]! & 0x01) | (options.tc ? 0x02 : 0);
  out[3] = 0x80 | (options.rcode ?? 0);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(withAnswer ? 1 : 0, 6);
  out.writeUInt32BE(0, 8);
  if (withAnswer) {
    out.writeUInt16BE(0xc00c, qEnd);
    out.writeUInt32BE(0x00010001, qEnd + 2);
    out.writeUInt32BE(options.ttl ?? 300, qEnd + 6);
    out.writeUInt16BE(4, qEnd + 10);
    ip.split('.').forEach((o, i) => (out[qEnd + 12 + i] = Number(o)));
  }
  return out;
}

/** The question's name of a raw message, lowercased, as `example.org.`. */
export function qnameOf(msg: Buffer): string {
  const labels: string[] = [];
  for (let off = 12; msg[off] !== 0; off += msg[off]! + 1) labels.push(msg.subarray(off + 1, off + 1 + msg[off]!).toString('latin1').toLowerCase());
  return labels.length ? labels.join('.') + '.' : '.';
}

/** A plugin behind `forward` in tests: answers every A question with 192.0.2.99 (so `next` is visible). */
export const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(answerA(req.msg, '192.0.2.99')), 0) }),
});

/** Starts test servers with `forward` and `answer`, all stopped after the calling file's tests. */
export function serverFactory(): (corefile: string) => Promise<TestServer> {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.stop();
  });
  return async (corefile) => {
    const s = await startTestServer(corefile, { plugins: [forward, answer] });
    servers.push(s);
    return s;
  };
}

/** The value of one metric sample in a registry (0 when absent); `sample` names a histogram's `_count` or `_sum`. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}, sample = name): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`metric ${name} is not registered`);
  const { values } = await metric.get();
  const match = values.find((v) => ((v as { metricName?: string }).metricName ?? name) === sample && Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want));
  return match?.value ?? 0;
}

export function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Certs {
  readonly dir: string;
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

/** A throwaway CA, a server certificate for `dns.test` and 127.0.0.1, and a client certificate, made with openssl. */
export function makeCerts(): Certs {
  const dir = mkdtempSync(join(tmpdir(), 'forward-tls-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = (name: string): void => run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', name);
  key('ca.key');
  run('req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=chaindns test CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:dns.test,IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    key(`${who}.key`);
    run('req', '-new', '-key', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who === 'server' ? 'dns.test' : 'forward client'}`);
    run('x509', '-req', '-in', `${who}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${who}.pem`, '-days', '2', '-extfile', `${who}.ext`);
  }
  const p = (f: string): string => join(dir, f);
  return { dir, ca: p('ca.pem'), serverCert: p('server.pem'), serverKey: p('server.key'), clientCert: p('client.pem'), clientKey: p('client.key') };
}

export interface StreamUpstream {
  readonly port: number;
  /** Queries received, raw, and whether the client presented a certificate. */
  readonly received: { msg: Buffer; authorized: boolean }[];
  connections: number;
  stop(): Promise<void>;
}

/** A DNS-over-TLS upstream on 127.0.0.1 answering every query with `answer(raw)`. */
export async function startTlsUpstream(options: tls.TlsOptions, answer: (query: Buffer) => Buffer | null): Promise<StreamUpstream> {
  const sockets = new Set<net.Socket>();
  const state: StreamUpstream = { port: 0, received: [], connections: 0, stop: async () => {} };
  const server = tls.createServer(options, (socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        state.received.push({ msg: Buffer.from(msg), authorized: socket.authorized });
        const out = answer(msg);
        if (out) socket.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
      }
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, {
    port: (server.address() as net.AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** dnsmasq on 127.0.0.1 and a free port, answering example.test (and below) with 127.0.0.7, with `extra` options; null when not installed. */
export async function startDnsmasq(extra: readonly string[] = []): Promise<{ port: number; stop(): Promise<void> } | null> {
  if (!hasBinary('dnsmasq')) return null;
  const port = await freePort();
  // --keep-in-foreground, not --no-daemon: the latter serves a TCP connection in the main process until it closes, and forward keeps its connections open.
  const child = spawn('dnsmasq', ['--keep-in-foreground', '--no-resolv', '--no-hosts', '--bind-interfaces', '--listen-address=127.0.0.1', `--port=${port}`, '--address=/example.test/127.0.0.7', '--pid-file=', '--user=root', '--log-facility=-', '--conf-file=/dev/null', ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready once it answers on TCP.
  for (let i = 0; ; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`dnsmasq did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
