import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, type ExternalSource } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase, startTestServer } from '@chaindns/core/testing';
import { k8s_external } from '../src/index.js';

test('k8s_external setup, as CoreDNS’s setup_test.go and its errors', async (t) => {
  const defaults = { zones: ['example.net.'], apex: 'dns', ttl: 5, headless: false, fallthrough: null, line: 2 };
  const cases: SetupCase[] = [
    { corefile: 'k8s_external', want: defaults },
    { corefile: 'k8s_external example.org', want: { ...defaults, zones: ['example.org.'] } },
    { corefile: 'k8s_external Example.ORG. example.com 10.0.0.0/24', want: { ...defaults, zones: ['example.org.', 'example.com.', '0.0.10.in-addr.arpa.'] } },
    { corefile: 'k8s_external example.org {\n apex testdns\n}', want: { ...defaults, zones: ['example.org.'], apex: 'testdns' } },
    { corefile: 'k8s_external example.org {\n headless\n}', want: { ...defaults, zones: ['example.org.'], headless: true } },
    { corefile: 'k8s_external example.org {\n fallthrough\n}', want: { ...defaults, zones: ['example.org.'], fallthrough: ['.'] } },
    { corefile: 'k8s_external example.org {\n fallthrough ip6.arpa inaddr.arpa foo.com\n}', want: { ...defaults, zones: ['example.org.'], fallthrough: ['ip6.arpa.', 'inaddr.arpa.', 'foo.com.'] } },
    { corefile: 'k8s_external example.org {\n ttl 0\n}', want: { ...defaults, zones: ['example.org.'], ttl: 0 } },
    { corefile: 'k8s_external example.org {\n ttl 3600\n}', want: { ...defaults, zones: ['example.org.'], ttl: 3600 } },
    { corefile: 'k8s_external example.org {\n ttl 3601\n}', error: /Corefile:3: k8s_external: ttl: 3601 is out of range: expected 0 to 3600/ },
    { corefile: 'k8s_external example.org {\n ttl -1\n}', error: /Corefile:3: k8s_external: ttl: -1 is out of range/ },
    { corefile: 'k8s_external example.org {\n ttl five\n}', error: /Corefile:3: k8s_external: ttl: expected an integer, got "five"/ },
    { corefile: 'k8s_external example.org {\n ttl\n}', error: /Corefile:3: k8s_external: ttl: expected 1 argument, got 0/ },
    { corefile: 'k8s_external example.org {\n apex\n}', error: /Corefile:3: k8s_external: apex: expected 1 argument, got 0/ },
    { corefile: 'k8s_external example.org {\n apex a..b\n}', error: /Corefile:3: k8s_external: apex: "a..b" is not a domain name/ },
    { corefile: 'k8s_external example.org {\n headless yes\n}', error: /Corefile:3: k8s_external: headless: expected 0 arguments, got 1/ },
    { corefile: 'k8s_external example.org {\n resyncperiod 30s\n}', error: /Corefile:3: k8s_external: unknown property "resyncperiod", expected one of: apex, ttl, headless, fallthrough/ },
    { corefile: 'k8s_external 10.0.0.0/33', error: /Corefile:2: k8s_external: "10.0.0.0\/33" is not a valid CIDR/ },
  ];
  await assertSetupCases(t, k8s_external, cases, { keys: 'example.net', view: ({ at, ...config }) => ({ ...config, line: at.line }) });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 3);
  for (const corefile of examples) checkCorefile(corefile, [k8s_external]);
});

test('without the kubernetes plugin in its block, the start fails at the k8s_external line', async () => {
  await assert.rejects(startTestServer('example.org {\n  k8s_external\n}', { plugins: [k8s_external] }), /Corefile:2: k8s_external: needs the plugin "kubernetes" in this server block, and it is not there/);
  const bare = definePlugin({ name: 'kubernetes', parse: () => null, setup: () => undefined });
  await assert.rejects(startTestServer('example.org {\n  kubernetes\n  k8s_external\n}', { plugins: [k8s_external, bare] }), /Corefile:3: k8s_external: the plugin "kubernetes" offers no external/);
  const offering = definePlugin({ name: 'kubernetes', parse: () => null, setup: (_c, setupCtx) => setupCtx.offer('external', {} as ExternalSource) });
  const s = await startTestServer('example.org {\n  kubernetes\n  k8s_external\n}', { plugins: [k8s_external, offering] });
  await s.stop();
});
