import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { answerA, type Certs, hasBinary, makeCerts, metricValue, serverFactory, type StreamUpstream, startTlsUpstream } from './helpers.js';

const skip = hasBinary('openssl') ? false : 'openssl is not installed (apt-get install openssl)';
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
const server = serverFactory();
const ipOf = (reply: { packet: { answers?: unknown[] } }): string | undefined => (reply.packet.answers?.[0] as { data?: string } | undefined)?.data;

let certs: Certs;
let dot: StreamUpstream;
before(async () => {
  if (skip) return;
  certs = makeCerts();
  // A DoT upstream whose certificate (signed by a throwaway CA) names dns.test and 127.0.0.1; it asks for, but does not require, a client certificate.
  dot = await startTlsUpstream({ key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert), ca: readFileSync(certs.ca), requestCert: true, rejectUnauthorized: false }, (q) => answerA(q, '192.0.2.53'));
  cleanups.push(() => dot.stop());
});

test('DNS over TLS with a private CA, a server name and a client certificate, over one reused connection', { skip }, async () => {
  const s = await server(`. {\n  forward . tls://127.0.0.1:${dot.port} {\n    tls ${certs.clientCert} ${certs.clientKey} ${certs.ca}\n    tls_servername dns.test\n  }\n}`);
  const connections = dot.connections;
  const seen = dot.received.length;
  for (let i = 0; i < 5; i++) assert.equal(ipOf(await s.query(`q${i}.example.org`, 'A')), '192.0.2.53');
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => s.query(`p${i}.example.org`, 'A', { transport: i % 2 ? 'tcp' : 'udp' })));
  assert.ok(replies.every((r) => ipOf(r) === '192.0.2.53'));
  assert.equal(dot.connections - connections, 1, 'one TLS connection, reused and pipelined');
  assert.ok(dot.received.slice(seen).every((r) => r.authorized), 'the client certificate was presented and verified');
  const to = `127.0.0.1:${dot.port}`;
  assert.equal(await metricValue(s.server.registry, 'coredns_proxy_conn_cache_misses_total', { proxy_name: 'forward', to, proto: 'tcp-tls' }), 1);
  assert.equal(await metricValue(s.server.registry, 'coredns_proxy_conn_cache_hits_total', { proxy_name: 'forward', to, proto: 'tcp-tls' }), 24);
});

test('the server name may come with the address; without one the certificate must carry the IP', { skip }, async () => {
  const s = await server(`named.test {\n  forward . tls://127.0.0.1%dns.test:${dot.port} {\n    tls ${certs.ca}\n  }\n}\nbyip.test {\n  forward . tls://127.0.0.1:${dot.port} {\n    tls ${certs.ca}\n  }\n}`);
  assert.equal(ipOf(await s.query('a.named.test', 'A')), '192.0.2.53');
  assert.equal(ipOf(await s.query('a.byip.test', 'A')), '192.0.2.53');
  assert.equal(dot.received.at(-1)!.authorized, false, 'no client certificate without tls CERT KEY');
});

test('a certificate that does not verify is a failed try: SERVFAIL and health checks', { skip }, async () => {
  const s = await server(
    `wrongname.test {\n  forward . tls://127.0.0.1:${dot.port} {\n    tls ${certs.ca}\n    tls_servername other.test\n  }\n}\nuntrusted.test {\n  forward . tls://127.0.0.1:${dot.port} {\n    tls_servername dns.test\n  }\n}`,
  );
  const seen = dot.received.length;
  const start = performance.now();
  assert.equal((await s.query('a.wrongname.test', 'A')).rcode, Rcode.SERVFAIL);
  assert.equal((await s.query('a.untrusted.test', 'A')).rcode, Rcode.SERVFAIL);
  assert.ok(performance.now() - start < 2000, 'TLS failures fail at once');
  assert.equal(dot.received.length, seen, 'no query went over an unverified connection');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok((await metricValue(s.server.registry, 'coredns_forward_healthcheck_failures_total', { to: `127.0.0.1:${dot.port}` })) >= 1);
});

test('a forward to plain DNS upstreams never loads node:tls (0.7 MB of a node-local cache); one with a tls:// upstream does', { skip }, () => {
  const loaded = (corefile: string): boolean => {
    // A process of its own (this one has loaded node:tls for the other tests), without the native pass's preload (it loads the test kit).
    const script = `
      const { Server, PluginRegistry, silentLogger } = await import('@chaindns/core');
      const { forward } = await import(${JSON.stringify(new URL('../src/index.js', import.meta.url).href)});
      const server = new Server({ corefile: ${JSON.stringify(corefile)}, plugins: new PluginRegistry(['forward'], [forward]), dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger: silentLogger });
      await server.start();
      process.stdout.write(String(process.moduleLoadList.includes('NativeModule tls')));
      await server.stop();`;
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('..', import.meta.url), env: { ...process.env, NODE_OPTIONS: '' } }) === 'true';
  };
  assert.equal(loaded('.:0 {\n  forward . 127.0.0.1:53 [::1]:53\n}'), false);
  assert.equal(loaded(`.:0 {\n  forward . tls://127.0.0.1:${dot.port} {\n    tls ${certs.ca}\n  }\n}`), true);
});
