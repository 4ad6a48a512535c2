import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile, type Token } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { dnstap, type TapConfig } from '../src/index.js';

/** The parts of a config a case checks (tokens reduced to their text). */
function summary(c: TapConfig): object {
  const { at: _at, tls, ...rest } = c;
  return { ...rest, tls: tls ? [tls.cert, tls.key, tls.ca].map((t: Token | null) => t?.text ?? null) : null };
}

const base = { listen: false, full: false, writeBufferMiB: 1, queueMultiple: 1, identity: null, version: null, extra: null, skipVerify: false, tls: null };

test('dnstap setup: CoreDNS 1.14 syntax, defaults and errors', async (t) => {
  const cases: SetupCase<object[]>[] = [
    { corefile: 'dnstap dnstap.sock full', want: [{ ...base, endpoint: { kind: 'unix', path: 'dnstap.sock' }, address: 'dnstap.sock', full: true }] },
    { corefile: 'dnstap unix://dnstap.sock', want: [{ ...base, endpoint: { kind: 'unix', path: 'dnstap.sock' }, address: 'unix://dnstap.sock' }] },
    { corefile: 'dnstap unix:///run/dnstap.sock', want: [{ ...base, endpoint: { kind: 'unix', path: '/run/dnstap.sock' }, address: 'unix:///run/dnstap.sock' }] },
    { corefile: 'dnstap tcp://127.0.0.1:6000', want: [{ ...base, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 6000 }, address: 'tcp://127.0.0.1:6000' }] },
    { corefile: 'dnstap tcp://[::1]:6000', want: [{ ...base, endpoint: { kind: 'tcp', host: '::1', port: 6000 }, address: 'tcp://[::1]:6000' }] },
    { corefile: 'dnstap tcp://example.com:6000 full', want: [{ ...base, endpoint: { kind: 'tcp', host: 'example.com', port: 6000 }, address: 'tcp://example.com:6000', full: true }] },
    { corefile: 'dnstap tls://127.0.0.1:6000', want: [{ ...base, endpoint: { kind: 'tls', host: '127.0.0.1', port: 6000 }, address: 'tls://127.0.0.1:6000' }] },
    { corefile: 'dnstap tls://127.0.0.1:6000 full {\n skipverify\n }', want: [{ ...base, endpoint: { kind: 'tls', host: '127.0.0.1', port: 6000 }, address: 'tls://127.0.0.1:6000', full: true, skipVerify: true }] },
    { corefile: 'dnstap dnstap.sock full {\n identity NAME\n version VER\n extra EXTRA\n }', want: [{ ...base, endpoint: { kind: 'unix', path: 'dnstap.sock' }, address: 'dnstap.sock', full: true, identity: 'NAME', version: 'VER', extra: 'EXTRA' }] },
    { corefile: 'dnstap dnstap.sock full 1024 2048', want: [{ ...base, endpoint: { kind: 'unix', path: 'dnstap.sock' }, address: 'dnstap.sock', full: true, writeBufferMiB: 1024, queueMultiple: 2048 }] },
    {
      corefile: 'dnstap dnstap.sock full {\n identity NAME\n }\n dnstap tcp://127.0.0.1:6000 {\n identity NAME2\n }',
      want: [
        { ...base, endpoint: { kind: 'unix', path: 'dnstap.sock' }, address: 'dnstap.sock', full: true, identity: 'NAME' },
        { ...base, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 6000 }, address: 'tcp://127.0.0.1:6000', identity: 'NAME2' },
      ],
    },
    { corefile: 'dnstap listen tcp://127.0.0.1:6000', want: [{ ...base, listen: true, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 6000 }, address: 'tcp://127.0.0.1:6000' }] },
    { corefile: 'dnstap listen tcp://:6000 full', want: [{ ...base, listen: true, endpoint: { kind: 'tcp', host: '', port: 6000 }, address: 'tcp://:6000', full: true }] },
    { corefile: 'dnstap listen unix:///run/dnstap.sock', want: [{ ...base, listen: true, endpoint: { kind: 'unix', path: '/run/dnstap.sock' }, address: 'unix:///run/dnstap.sock' }] },
    { corefile: 'dnstap listen tls://127.0.0.1:6000 full {\n tls cert.pem key.pem\n }', want: [{ ...base, listen: true, endpoint: { kind: 'tls', host: '127.0.0.1', port: 6000 }, address: 'tls://127.0.0.1:6000', full: true, tls: ['cert.pem', 'key.pem', null] }] },
    { corefile: 'dnstap listen tls://127.0.0.1:6000 {\n tls cert.pem key.pem ca.pem\n skipverify\n }', want: [{ ...base, listen: true, endpoint: { kind: 'tls', host: '127.0.0.1', port: 6000 }, address: 'tls://127.0.0.1:6000', skipVerify: true, tls: ['cert.pem', 'key.pem', 'ca.pem'] }] },
    { corefile: 'dnstap tcp://127.0.0.1:6000 {\n skipverify\n }', want: [{ ...base, endpoint: { kind: 'tcp', host: '127.0.0.1', port: 6000 }, address: 'tcp://127.0.0.1:6000', skipVerify: true }], warning: /Corefile:3: dnstap: skipverify applies only to tls:\/\/ endpoints/ },
    { corefile: 'dnstap', error: /Corefile:2: dnstap: expected at least 1 argument, got 0/ },
    { corefile: 'dnstap {\n identity NAME\n }', error: /Corefile:2: dnstap: expected at least 1 argument, got 0/ },
    { corefile: 'dnstap listen', error: /Corefile:2: dnstap: listen needs an endpoint/ },
    { corefile: 'dnstap dnstap.sock {\n identity\n }', error: /Corefile:3: dnstap: identity: expected 1 argument, got 0/ },
    { corefile: 'dnstap dnstap.sock {\n version\n }', error: /Corefile:3: dnstap: version: expected 1 argument, got 0/ },
    { corefile: 'dnstap dnstap.sock {\n extra\n }', error: /Corefile:3: dnstap: extra: expected 1 argument, got 0/ },
    { corefile: 'dnstap dnstap.sock {\n identitiy NAME\n }', error: /Corefile:3: dnstap: unknown property "identitiy"/ },
    { corefile: 'dnstap dnstap.sock {\n extra "at {local}"\n }', error: /Corefile:3: dnstap: extra: the \{local\} placeholder is not supported/ },
    { corefile: 'dnstap dnstap.sock full 1025 1', error: /Corefile:2: dnstap: 1025 is out of range: expected 1 to 1024/ },
    { corefile: 'dnstap dnstap.sock full 1 4097', error: /Corefile:2: dnstap: 4097 is out of range: expected 1 to 4096/ },
    { corefile: 'dnstap dnstap.sock full 0 10', error: /out of range: expected 1 to 1024/ },
    { corefile: 'dnstap dnstap.sock full 10 0', error: /out of range: expected 1 to 4096/ },
    { corefile: 'dnstap dnstap.sock full x 10', error: /dnstap: expected an integer, got "x"/ },
    { corefile: 'dnstap dnstap.sock full 10 y', error: /dnstap: expected an integer, got "y"/ },
    { corefile: 'dnstap dnstap.sock yes', error: /Corefile:2: dnstap: expected "full" after the socket, got "yes"/ },
    { corefile: 'dnstap dnstap.sock full 1 1 1', error: /Corefile:2: dnstap: expected dnstap SOCKET \[full\] \[WRITEBUFFER\] \[QUEUE\]/ },
    { corefile: 'dnstap listen dnstap.sock full 1', error: /Corefile:2: dnstap: expected dnstap listen SOCKET \[full\]/ },
    { corefile: 'dnstap udp://127.0.0.1:6000', error: /dnstap: unknown scheme udp:\/\/, expected unix:\/\/, tcp:\/\/ or tls:\/\// },
    { corefile: 'dnstap tcp://127.0.0.1', error: /dnstap: address "127.0.0.1" has no port/ },
    { corefile: 'dnstap tcp://:6000', error: /dnstap: tcp:\/\/:6000 needs a host to connect to/ },
    { corefile: 'dnstap unix://', error: /dnstap: unix:\/\/ needs a path/ },
    { corefile: 'dnstap listen tls://127.0.0.1:6000', error: /Corefile:2: dnstap: a tls:\/\/ listener needs its certificate/ },
    { corefile: 'dnstap listen tcp://127.0.0.1:6000 {\n tls cert.pem key.pem\n }', error: /Corefile:3: dnstap: tls CERT KEY \[CA\] applies only to a tls:\/\/ listener/ },
    { corefile: 'dnstap listen tls://127.0.0.1:6000 {\n tls cert.pem\n }', error: /Corefile:3: dnstap: tls: expected 2 to 3 arguments, got 1/ },
    { corefile: 'dnstap tls://127.0.0.1:6000 {\n tls cert.pem key.pem\n }', error: /Corefile:3: dnstap: tls CERT KEY \[CA\] is for listeners only/ },
  ];
  await assertSetupCases(t, dnstap, cases, { view: (configs) => configs.map(summary) });
});

test('the files of a TLS listener are listed for chaindns check', () => {
  const d = parseCorefile('. {\n dnstap listen tls://127.0.0.1:6000 {\n tls cert.pem key.pem ca.pem\n }\n}').blocks[0]!.directives[0]!;
  const config = dnstap.parse(d, { zones: ['.'], port: 53, warn: () => {} });
  assert.deepEqual(dnstap.files!(config).map((f) => `${f.path} ${f.at.line}`), ['cert.pem 3', 'key.pem 3', 'ca.pem 3']);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 5);
  for (const corefile of examples) checkCorefile(corefile, [dnstap]);
});
