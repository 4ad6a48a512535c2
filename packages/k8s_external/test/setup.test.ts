import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, type ExternalSource, parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles, startTestServer } from '@chaindns/core/testing';
import { k8s_external } from '../src/index.js';

const ctx = { zones: ['example.net.'], port: 53, warn: () => {} };

test('k8s_external setup, as CoreDNS’s setup_test.go and its errors', async (t) => {
  const defaults = { zones: ['example.net.'], apex: 'dns', ttl: 5, headless: false, fallthrough: null };
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'k8s_external', want: defaults },
    { line: 'k8s_external example.org', want: { ...defaults, zones: ['example.org.'] } },
    { line: 'k8s_external Example.ORG. example.com 10.0.0.0/24', want: { ...defaults, zones: ['example.org.', 'example.com.', '0.0.10.in-addr.arpa.'] } },
    { line: 'k8s_external example.org {\n apex testdns\n}', want: { ...defaults, zones: ['example.org.'], apex: 'testdns' } },
    { line: 'k8s_external example.org {\n headless\n}', want: { ...defaults, zones: ['example.org.'], headless: true } },
    { line: 'k8s_external example.org {\n fallthrough\n}', want: { ...defaults, zones: ['example.org.'], fallthrough: ['.'] } },
    { line: 'k8s_external example.org {\n fallthrough ip6.arpa inaddr.arpa foo.com\n}', want: { ...defaults, zones: ['example.org.'], fallthrough: ['ip6.arpa.', 'inaddr.arpa.', 'foo.com.'] } },
    { line: 'k8s_external example.org {\n ttl 0\n}', want: { ...defaults, zones: ['example.org.'], ttl: 0 } },
    { line: 'k8s_external example.org {\n ttl 3600\n}', want: { ...defaults, zones: ['example.org.'], ttl: 3600 } },
    { line: 'k8s_external example.org {\n ttl 3601\n}', error: /Corefile:3: k8s_external: ttl: 3601 is out of range: expected 0 to 3600/ },
    { line: 'k8s_external example.org {\n ttl -1\n}', error: /Corefile:3: k8s_external: ttl: -1 is out of range/ },
    { line: 'k8s_external example.org {\n ttl five\n}', error: /Corefile:3: k8s_external: ttl: expected an integer, got "five"/ },
    { line: 'k8s_external example.org {\n ttl\n}', error: /Corefile:3: k8s_external: ttl: expected 1 argument, got 0/ },
    { line: 'k8s_external example.org {\n apex\n}', error: /Corefile:3: k8s_external: apex: expected 1 argument, got 0/ },
    { line: 'k8s_external example.org {\n apex a..b\n}', error: /Corefile:3: k8s_external: apex: "a..b" is not a domain name/ },
    { line: 'k8s_external example.org {\n headless yes\n}', error: /Corefile:3: k8s_external: headless: expected 0 arguments, got 1/ },
    { line: 'k8s_external example.org {\n resyncperiod 30s\n}', error: /Corefile:3: k8s_external: unknown property "resyncperiod", expected one of: apex, ttl, headless, fallthrough/ },
    { line: 'k8s_external 10.0.0.0/33', error: /Corefile:2: k8s_external: "10.0.0.0\/33" is not a valid CIDR/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) {
        assert.throws(() => k8s_external.parse(d, ctx), c.error);
        return;
      }
      const { at, ...config } = k8s_external.parse(d, ctx);
      assert.deepEqual(config, c.want);
      assert.equal(at.line, 2);
    });
  }
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
