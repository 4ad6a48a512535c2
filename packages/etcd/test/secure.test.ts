import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventually, makeTestCertificates, startTestServer } from '@chaindns/core/testing';
import { etcd } from '../src/index.js';
import { startEtcd } from './etcd-server.js';

const served = (corefileBlock: string): string => `skydns.test {\n  etcd {\n${corefileBlock}\n  }\n}`;

test('credentials: with etcd auth on, the right user reads the records and a wrong password gets SERVFAIL', async () => {
  const store = await startEtcd({ rootPassword: 'sekrit' });
  try {
    await store.put('/skydns/test/skydns/x', { host: '192.0.2.1' });
    const good = await startTestServer(served(`    endpoint ${store.endpoint}\n    credentials root sekrit`), { plugins: [etcd] });
    const bad = await startTestServer(served(`    endpoint ${store.endpoint}\n    credentials root wrong`), { plugins: [etcd] });
    const anonymous = await startTestServer(served(`    endpoint ${store.endpoint}`), { plugins: [etcd] });
    try {
      await eventually(async () => (await good.query('x.skydns.test', 'A')).packet.answers?.length === 1, 5000, 'the answer with credentials');
      // Written after the start: the watch, too, runs with the token.
      await store.put('/skydns/test/skydns/y', { host: '192.0.2.2' });
      await eventually(async () => (await good.query('y.skydns.test', 'A')).packet.answers?.length === 1, 1000, 'a key written later');
      for (const s of [bad, anonymous]) {
        await new Promise((r) => setTimeout(r, 300));
        assert.equal((await s.query('x.skydns.test', 'A')).rcode, 2);
      }
      assert.ok(bad.logs.some((l) => /\[ERROR\] plugin\/etcd: cannot read \/skydns/.test(l)), bad.logs.join('\n'));
    } finally {
      await Promise.all([good.stop(), bad.stop(), anonymous.stop()]);
    }
  } finally {
    await store.stop();
  }
});

test('tls CERT KEY CACERT: a client certificate towards an etcd that requires one; without it, SERVFAIL', async () => {
  const certs = await makeTestCertificates();
  const store = await startEtcd({ tls: certs });
  try {
    await store.put('/skydns/test/skydns/x', { host: '192.0.2.1' });
    const endpoint = store.endpoint.replace('127.0.0.1', 'localhost');
    const mutual = await startTestServer(served(`    endpoint ${endpoint}\n    tls ${certs.client.cert.path} ${certs.client.key.path} ${certs.ca.path}`), { plugins: [etcd] });
    const noClientCert = await startTestServer(served(`    endpoint ${endpoint}\n    tls ${certs.ca.path}`), { plugins: [etcd] });
    const untrusted = await startTestServer(served(`    endpoint ${endpoint}\n    tls ${certs.client.cert.path} ${certs.client.key.path}`), { plugins: [etcd] });
    try {
      await eventually(async () => (await mutual.query('x.skydns.test', 'A')).packet.answers?.length === 1, 5000, 'the answer over TLS');
      await store.put('/skydns/test/skydns/y', { host: '192.0.2.2' });
      await eventually(async () => (await mutual.query('y.skydns.test', 'A')).packet.answers?.length === 1, 1000, 'a key written later');
      await new Promise((r) => setTimeout(r, 300));
      // Without a client certificate etcd refuses; with the system's CAs the test CA is unknown.
      assert.equal((await noClientCert.query('x.skydns.test', 'A')).rcode, 2);
      assert.equal((await untrusted.query('x.skydns.test', 'A')).rcode, 2);
    } finally {
      await Promise.all([mutual.stop(), noClientCert.stop(), untrusted.stop()]);
    }
  } finally {
    await store.stop();
    await certs.remove();
  }
});

test('a tls file that cannot be read fails the start with the line of the tls directive', async () => {
  await assert.rejects(
    startTestServer(served('    endpoint https://127.0.0.1:1\n    tls /nonexistent/cert.pem /nonexistent/key.pem /nonexistent/ca.pem'), { plugins: [etcd] }),
    /Corefile:4: etcd: tls: cannot read the CA certificate \/nonexistent\/ca.pem/,
  );
});
