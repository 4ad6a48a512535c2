import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { parseCorefile, type Token } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { connect } from '../src/etcd-store.js';
import { etcd, type EtcdConfig } from '../src/index.js';

const defaults: EtcdConfig = {
  zones: ['example.org.'],
  fallthrough: null,
  base: '/skydns',
  endpoints: ['http://localhost:2379'],
  tls: null,
  credentials: null,
  minLeaseTtl: 30,
  maxLeaseTtl: 86400,
};

function parse(text: string, warnings: string[] = []): EtcdConfig {
  const d = parseCorefile(`example.org {\n${text}\n}`).blocks[0]!.directives[0]!;
  return etcd.parse(d, { zones: ['example.org.'], port: 53, warn: (token, message) => warnings.push(`${token.line}: ${message}`) });
}

test('etcd setup: CoreDNS setup_test.go and every option', async (t) => {
  const cases: SetupCase<Partial<EtcdConfig>>[] = [
    // CoreDNS's cases.
    { corefile: 'etcd', want: {} },
    { corefile: 'etcd {\n  endpoint http://localhost:2379 http://localhost:3379 http://localhost:4379\n\n}', want: { endpoints: ['http://localhost:2379', 'http://localhost:3379', 'http://localhost:4379'] } },
    { corefile: 'etcd skydns.local {\n  endpoint localhost:300\n}', want: { zones: ['skydns.local.'], endpoints: ['localhost:300'] } },
    { corefile: 'etcd {\n  endpoints localhost:300\n}', error: /Corefile:3: etcd: unknown property "endpoints"/ },
    { corefile: 'etcd {\n  endpoint http://localhost:2379\n  credentials username password\n}', want: { credentials: { username: 'username', password: 'password' } } },
    { corefile: 'etcd {\n  endpoint http://localhost:2379\n  credentials username\n}', error: /Corefile:4: etcd: credentials requires 2 arguments, username and password/ },
    { corefile: 'etcd {\n  endpoint http://localhost:2379\n  credentials\n}', error: /Corefile:4: etcd: credentials: expected at least 1 argument, got 0/ },
    { corefile: 'etcd {\n  min-lease-ttl 60\n}', want: { minLeaseTtl: 60 } },
    { corefile: 'etcd {\n  max-lease-ttl 1h\n}', want: { maxLeaseTtl: 3600 } },
    { corefile: 'etcd {\n  min-lease-ttl 120\n  max-lease-ttl 7200\n}', want: { minLeaseTtl: 120, maxLeaseTtl: 7200 } },
    // CoreDNS's parseTTL: plain numbers are seconds, Go durations, 0 is the default.
    { corefile: 'etcd {\n  min-lease-ttl 2h30m\n  max-lease-ttl 1h30m45s\n}', want: { minLeaseTtl: 9000, maxLeaseTtl: 5445 } },
    { corefile: 'etcd {\n  min-lease-ttl 0\n  max-lease-ttl 0s\n}', want: {} },
    { corefile: 'etcd {\n  min-lease-ttl -30s\n}', error: /Corefile:3: etcd: min-lease-ttl: expected a duration/ },
    { corefile: 'etcd {\n  max-lease-ttl 1y\n}', error: /Corefile:3: etcd: max-lease-ttl: expected a duration/ },
    { corefile: 'etcd {\n  max-lease-ttl 4294967296\n}', error: /Corefile:3: etcd: max-lease-ttl: TTL too large/ },
    // Zones, fallthrough, path.
    { corefile: 'etcd skydns.local 10.0.0.0/24', want: { zones: ['skydns.local.', '0.0.10.in-addr.arpa.'] } },
    { corefile: 'etcd {\n  fallthrough\n}', want: { fallthrough: ['.'] } },
    { corefile: 'etcd {\n  fallthrough in-addr.arpa ip6.arpa\n}', want: { fallthrough: ['in-addr.arpa.', 'ip6.arpa.'] } },
    { corefile: 'etcd {\n  path /coredns/\n}', want: { base: '/coredns' } },
    { corefile: 'etcd {\n  path skydns\n}', want: {} },
    { corefile: 'etcd {\n  path\n}', error: /Corefile:3: etcd: path: expected 1 argument, got 0/ },
    { corefile: 'etcd {\n  path /a /b\n}', error: /Corefile:3: etcd: path: expected 1 argument, got 2/ },
    // Endpoints and TLS, as etcd's client: https:// speaks TLS, HOST:PORT with tls, http:// never.
    { corefile: 'etcd {\n  endpoint ftp://x:1\n}', error: /Corefile:3: etcd: endpoint "ftp:\/\/x:1" is not an etcd URL/ },
    { corefile: 'etcd {\n  endpoint https://etcd.example:2379\n}', want: { endpoints: ['https://etcd.example:2379'], tls: { cert: null, key: null, ca: null, at: { text: 'etcd' } } as never } },
    { corefile: 'etcd {\n  endpoint etcd:2379\n  tls /c.pem /k.pem /ca.pem\n}', want: { endpoints: ['etcd:2379'], tls: { cert: '/c.pem', key: '/k.pem', ca: '/ca.pem', at: { text: 'tls' } } as never } },
    { corefile: 'etcd {\n  endpoint https://[::1]:2379/\n  tls /ca.pem\n}', want: { endpoints: ['https://[::1]:2379'], tls: { cert: null, key: null, ca: '/ca.pem', at: { text: 'tls' } } as never } },
    { corefile: 'etcd {\n  endpoint https://a:1\n  tls /c.pem /k.pem\n}', want: { endpoints: ['https://a:1'], tls: { cert: '/c.pem', key: '/k.pem', ca: null, at: { text: 'tls' } } as never } },
    { corefile: 'etcd {\n  endpoint http://a:1\n  tls /ca.pem\n}', want: { endpoints: ['http://a:1'] }, warning: /4: etcd: tls is ignored for http:\/\/ endpoints/ },
    { corefile: 'etcd {\n  endpoint http://a:1 https://b:1\n}', error: /Corefile:3: etcd: endpoint: the endpoints mix plain and TLS connections/ },
    { corefile: 'etcd {\n  tls a b c d\n}', error: /Corefile:3: etcd: tls: expected 0 to 3 arguments, got 4/ },
    // What CoreDNS 1.14 reads and ignores.
    { corefile: 'etcd {\n  stubzones\n}', error: /Corefile:3: etcd: stubzones is gone: CoreDNS dropped stub zones/ },
    { corefile: 'etcd {\n  debug\n  upstream 8.8.8.8\n}', want: {}, warning: /3: etcd: debug does nothing.*\nCorefile:4: etcd: upstream is no longer supported/ },
    { corefile: 'etcd {\n  path /a\n  path /b\n}', error: /Corefile:4: etcd: "path" given more than once/ },
    { corefile: 'etcd {\n  fallthrough {\n  }\n}', error: /Corefile:3: etcd: fallthrough: takes no block/ },
  ];
  // The tls token's position is the directive's; compare its text only.
  const view = (got: EtcdConfig): EtcdConfig => ({ ...got, tls: got.tls && { ...got.tls, at: { text: got.tls.at.text } as Token } });
  await assertSetupCases(t, etcd, cases, { keys: 'example.org', view, defaults });
});

test('files() lists the tls files for chaindns check', () => {
  const config = parse('etcd {\n  endpoint https://a:1\n  tls /c.pem /k.pem /ca.pem\n}');
  assert.deepEqual(
    etcd.files!(config).map((f) => [f.path, f.at.line, f.what]),
    [
      ['/c.pem', 4, 'TLS certificate'],
      ['/k.pem', 4, 'TLS key'],
      ['/ca.pem', 4, 'CA certificate'],
    ],
  );
  assert.deepEqual(etcd.files!(parse('etcd')), []);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 4);
  for (const corefile of examples) checkCorefile(corefile, [etcd]);
});

test('parsing never loads the etcd client (grpc-js): only setup does, when a Corefile uses etcd', async () => {
  parse('etcd {\n  endpoint https://a:1\n  tls /c.pem /k.pem /ca.pem\n}');
  const loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache).some((path) => /[\\/]node_modules[\\/](etcd3|@grpc)[\\/]/.test(path));
  assert.equal(loaded(), false);
  const client = await connect({ endpoints: ['http://127.0.0.1:1'], tls: null, credentials: null });
  client.close();
  assert.equal(loaded(), true);
});
