import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertSetupCases, checkCorefile, makeTestCertificates, readmeCorefiles, type SetupCase, standIn, startTestServer, type TestCertificates } from '@chaindns/core/testing';
import { tls, type TlsConfig } from '../src/index.js';

/** The config as written: tokens' texts. */
function plain(c: TlsConfig): Record<string, unknown> {
  return { cert: c.cert.text, key: c.key.text, ca: c.ca?.text ?? null, clientAuth: c.clientAuth, keylog: c.keylog?.text ?? null };
}

describe('tls parse', () => {
  const defaults: { cert: string; key: string; ca: string | null; clientAuth: string; keylog: string | null } = { cert: 'cert.pem', key: 'key.pem', ca: null, clientAuth: 'nocert', keylog: null };
  const cases: SetupCase<Partial<typeof defaults>>[] = [
    // CoreDNS's TestTLS.
    { corefile: 'tls cert.pem key.pem', want: {} },
    { corefile: 'tls cert.pem key.pem ca.pem', want: { ca: 'ca.pem' } },
    { corefile: 'tls', error: /^Corefile:2: tls: expected 2 to 3 arguments, got 0$/ },
    { corefile: 'tls cert.pem', error: /^Corefile:2: tls: expected 2 to 3 arguments, got 1$/ },
    { corefile: 'tls cert.pem key.pem ca.pem extra', error: /^Corefile:2: tls: expected 2 to 3 arguments, got 4$/ },
    // CoreDNS's TestTLSClientAuthentication.
    ...(['nocert', 'request', 'require', 'verify_if_given', 'require_and_verify'] as const).map((mode) => ({ corefile: `tls cert.pem key.pem {\n client_auth ${mode}\n }`, want: { clientAuth: mode } })),
    { corefile: 'tls cert.pem key.pem {\n client_auth no_such_auth\n }', error: /^Corefile:3: tls: client_auth: expected one of nocert, request, require, verify_if_given, require_and_verify, got "no_such_auth"$/ },
    { corefile: 'tls cert.pem key.pem {\n client_auth require_any\n }', error: /got "require_any"/ },
    { corefile: 'tls cert.pem key.pem {\n client_auth\n }', error: /^Corefile:3: tls: client_auth: expected 1 argument, got 0$/ },
    { corefile: 'tls cert.pem key.pem {\n client_auth request require\n }', error: /^Corefile:3: tls: client_auth: expected 1 argument, got 2$/ },
    { corefile: 'tls cert.pem key.pem {\n client_auth request\n client_auth require\n }', error: /^Corefile:4: tls: "client_auth" given more than once$/ },
    // CoreDNS's keylog.
    { corefile: 'tls cert.pem key.pem {\n keylog /var/log/chaindns/keys.log\n }', want: { keylog: '/var/log/chaindns/keys.log' } },
    { corefile: 'tls cert.pem key.pem {\n keylog\n }', error: /^Corefile:3: tls: keylog: expected 1 argument, got 0$/ },
    { corefile: 'tls cert.pem key.pem {\n unknown 1\n }', error: /^Corefile:3: tls: unknown property "unknown", expected one of: client_auth, keylog$/ },
    // CoreDNS's ACME form.
    { corefile: 'tls {\n acme dns.example.org\n email hostmaster@example.org\n }', error: /^Corefile:2: tls: certificates from ACME \(acme, email, ca, storage, ca_root, resolver\) are not supported; give the files: tls CERT KEY \[CA\]$/ },
    { corefile: 'tls cert.pem key.pem {\n acme dns.example.org\n }', error: /^Corefile:3: tls: unknown property "acme"/ },
  ];
  it('parses CoreDNS syntax, refuses what it cannot honour', (t) => assertSetupCases(t, tls, cases, { keys: 'tls://.', view: plain, defaults }));

  it('the README examples parse', () => {
    const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
    assert.ok(examples.length >= 3);
    for (const corefile of examples) checkCorefile(corefile, [tls]);
  });
});

describe('tls setup: the files, with file:line', () => {
  let certs: TestCertificates;
  before(async () => {
    certs = await makeTestCertificates();
    await writeFile(join(certs.dir, 'garbage.pem'), 'not a PEM file\n');
  });
  after(() => certs.remove());

  const answer = standIn('answer', () => ({}));
  const start = (corefile: string) => startTestServer(corefile, { plugins: [tls, answer] });
  const f = (name: string): string => join(certs.dir, name);

  const cases: { name: string; corefile: () => string; error: RegExp }[] = [
    { name: 'a certificate that does not exist', corefile: () => `tls://.:0 {\n  tls ${f('none.pem')} ${f('server.key')}\n}`, error: /^Corefile:2: tls: cannot read the certificate ".*none\.pem": ENOENT/ },
    { name: 'a key that does not exist', corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('none.key')}\n}`, error: /^Corefile:2: tls: cannot read the key ".*none\.key": ENOENT/ },
    { name: 'a CA that does not exist', corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('server.key')} ${f('none.pem')}\n}`, error: /^Corefile:2: tls: cannot read the CA ".*none\.pem": ENOENT/ },
    { name: 'a certificate that is not PEM', corefile: () => `tls://.:0 {\n  tls ${f('garbage.pem')} ${f('server.key')}\n}`, error: /^Corefile:2: tls: ".*garbage\.pem" holds no usable certificate \(PEM\)/ },
    { name: 'a key that is not PEM', corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('garbage.pem')}\n}`, error: /^Corefile:2: tls: ".*garbage\.pem" holds no usable private key \(PEM\)/ },
    { name: 'a CA that is not PEM', corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('server.key')} ${f('garbage.pem')}\n}`, error: /^Corefile:2: tls: ".*garbage\.pem" holds no usable CA certificate \(PEM\)/ },
    { name: "a key that is not the certificate's", corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('client.key')}\n}`, error: /^Corefile:2: tls: ".*client\.key" holds no usable key for the certificate ".*server\.pem": .*key values mismatch/ },
    { name: 'a key log that cannot be written', corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('server.key')} {\n    keylog ${f('no/such/dir/keys.log')}\n  }\n}`, error: /^Corefile:3: tls: unable to write TLS Key Log to ".*keys\.log": ENOENT/ },
    { name: 'a block with only dns:// keys', corefile: () => `.:0 dns://example.org:0 {\n  tls ${f('server.pem')} ${f('server.key')}\n  answer\n}`, error: /^Corefile:2: tls: only tls:\/\/ and https:\/\/ server blocks use TLS; this block has neither/ },
    { name: 'a tls:// block without tls', corefile: () => 'tls://.:0 {\n  answer\n}', error: /^Corefile:1: key "tls:\/\/\.:0": DNS over TLS needs a certificate: add the tls directive to the block$/ },
    { name: 'tls twice', corefile: () => `tls://.:0 {\n  tls ${f('server.pem')} ${f('server.key')}\n  tls ${f('server.pem')} ${f('server.key')}\n}`, error: /^Corefile:3: "tls" may appear only once in a server block$/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await assert.rejects(start(c.corefile()), (err: Error) => {
        assert.match(err.message, c.error);
        return true;
      });
    });
  }
});
