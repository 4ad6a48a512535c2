import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { QType } from '@chaindns/core';
import { makeTestCertificates, readmeCorefiles, standIn, startTestServer, type TestCertificates, type TestServer } from '@chaindns/core/testing';
import { tls } from '../src/index.js';

// The clients users have: Knot's kdig (Debian's knot-dnsutils) and curl. Asynchronous: the server runs in this event loop.
const run = promisify(execFile);

let certs: TestCertificates;
before(async () => {
  certs = await makeTestCertificates();
});
after(() => certs.remove());

/** `answer`: A 127.0.0.1 (TTL 120) for A questions, no data for others; a TXT `transport server` in the additional section. */
const answer = standIn('answer', (req) => ({
  answers: req.qtype === QType.A ? [{ name: req.qnameRaw, type: 'A', ttl: 120, data: '127.0.0.1' }] : [],
  additionals: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: `${req.transport} ${req.server}` }],
}));

const portOf = (s: TestServer, scheme: string): number => s.server.addresses().find((a) => a.scheme === scheme)!.port;

/** The README's examples, served: the certificate files are the test's, the upstream is `answer`, the ports free ones. */
function served(corefile: string): string {
  return corefile
    .replace(/\b(tls|https|dns):\/\/([^\s{]*?)(:\d+)?(?=[\s{])/g, (_m, scheme: string, zone: string) => `${scheme}://${zone}:0`)
    .replace(/tls cert\.pem key\.pem(?: \S+\.pem)?/, `tls ${certs.server.cert.path} ${certs.server.key.path} ${certs.ca.path}`)
    .replace(/^\s*(forward|whoami)\b.*$/m, '    answer');
}

/** kdig's short answer and the TXT of the additional section. */
async function kdig(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('kdig', ['@127.0.0.1', '-p', String(port), '+timeout=2', '+retry=0', '+tls-ca=' + certs.ca.path, '+tls-hostname=localhost', ...args, 'www.example.org', 'A']);
  return stdout;
}

describe('tls: the README examples, asked with kdig and curl', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

  it('DNS over TLS (the first example): kdig +tls verifies the certificate, ALPN dot, the answer is tcp on tls://', async () => {
    const s = await startTestServer(served(examples[0]!), { plugins: [tls, answer] });
    try {
      const port = portOf(s, 'tls');
      const out = await kdig(port, '+tls');
      assert.match(out, /status: NOERROR/);
      assert.match(out, /www\.example\.org\.\s+120\s+IN\s+A\s+127\.0\.0\.1/);
      assert.match(out, new RegExp(`"tcp tls://:${port}"`));
      assert.match(out, /;; TLS session \(TLS1\.3\)/);
    } finally {
      await s.stop();
    }
  });

  it('DNS over HTTPS and plain DNS from one block (the second example): kdig +https POST and GET, dig-like UDP on dns://', async () => {
    const s = await startTestServer(served(examples[1]!), { plugins: [tls, answer] });
    try {
      const port = portOf(s, 'https');
      for (const method of [[], ['+https-get']]) {
        const out = await kdig(port, '+https', ...method);
        assert.match(out, /status: NOERROR/, method.join(' ') || 'POST');
        assert.match(out, /www\.example\.org\.\s+120\s+IN\s+A\s+127\.0\.0\.1/);
        assert.match(out, new RegExp(`"tcp https://:${port}"`));
        assert.match(out, /;; HTTP session \(HTTP\/2-POST\)|;; HTTP session \(HTTP\/2-GET\)/);
      }
      const udp = await run('kdig', ['@127.0.0.1', '-p', String(s.port), '+timeout=2', '+retry=0', 'www.example.org', 'A']);
      assert.match(udp.stdout, /"udp dns:\/\//);
    } finally {
      await s.stop();
    }
  });

  it('curl --doh-url resolves through the DoH server, then fetches from the address it got', async () => {
    const web = http.createServer((_req, res) => res.end('fetched through DoH\n'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const webPort = (web.address() as { port: number }).port;
    const s = await startTestServer(served(examples[1]!), { plugins: [tls, answer] });
    try {
      const port = portOf(s, 'https');
      // The DoH server is asked for doh-test.example; curl then connects to the 127.0.0.1 it answered.
      const { stdout, stderr } = await run('curl', ['-sS', '-v', '--max-time', '5', '--cacert', certs.ca.path, '--doh-url', `https://localhost:${port}/dns-query`, `http://doh-test.example:${webPort}/`]);
      assert.equal(stdout, 'fetched through DoH\n');
      assert.match(stderr, /DoH A: 127\.0\.0\.1/);
      const metrics = await s.server.registry.metrics();
      assert.match(metrics, new RegExp(`coredns_dns_https_responses_total\\{server="https://:${port}",status="200"\\} [1-9]`));
    } finally {
      await s.stop();
      await new Promise((resolve) => web.close(resolve));
    }
  });

  it('client_auth require_and_verify (the third example): kdig with the CA-signed client certificate in, without one out', async () => {
    const s = await startTestServer(served(examples[2]!), { plugins: [tls, answer] });
    try {
      const port = portOf(s, 'tls');
      const out = await kdig(port, '+tls', `+tls-certfile=${certs.client.cert.path}`, `+tls-keyfile=${certs.client.key.path}`);
      assert.match(out, /status: NOERROR/);
      await assert.rejects(kdig(port, '+tls'), /failed|error|timed out/i);
      await assert.rejects(kdig(port, '+tls', `+tls-certfile=${certs.stranger.cert.path}`, `+tls-keyfile=${certs.stranger.key.path}`), /failed|error|timed out/i);
    } finally {
      await s.stop();
    }
  });

  it('keylog appends the handshake secrets of a kdig +tls exchange, and logs a warning', async () => {
    const log = join(certs.dir, 'keys.log');
    const s = await startTestServer(`tls://.:0 {\n  tls ${certs.server.cert.path} ${certs.server.key.path} {\n    keylog ${log}\n  }\n  answer\n}`, { plugins: [tls, answer] });
    try {
      await kdig(portOf(s, 'tls'), '+tls');
      const lines = (await readFile(log, 'utf8')).trim().split('\n');
      assert.ok(lines.some((l) => /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+$/.test(l)), lines.join('\n'));
      assert.ok(s.logs.some((l) => l.includes(`[WARNING] plugin/tls: Writing TLS Key Log to "${log}"`)), s.logs.join('\n'));
    } finally {
      await s.stop();
    }
  });
});
