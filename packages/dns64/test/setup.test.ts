import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { dns64 } from '../src/index.js';

const defaults = { prefix: '64:ff9b::/96', translateAll: false, allowIPv4: false };

test('dns64 setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'dns64', want: defaults },
    { corefile: 'dns64 64:1337::/96', want: { ...defaults, prefix: '64:1337::/96' } },
    { corefile: 'dns64 {\n prefix 64:1337::/32\n}', want: { ...defaults, prefix: '64:1337::/32' } },
    { corefile: 'dns64 {\n translate_all\n allow_ipv4\n}', want: { ...defaults, translateAll: true, allowIPv4: true } },
    { corefile: 'dns64 2001:db8::/64 {\n translate_all\n}', want: { ...defaults, prefix: '2001:db8::/64', translateAll: true } },
    { corefile: 'dns64 64:ff9b::/96 64:ff9b::/96', error: /Corefile:2: dns64: expected 0 to 1 arguments, got 2/ },
    { corefile: 'dns64 64:ff9b::', error: /Corefile:2: dns64: invalid CIDR address: 64:ff9b::/ },
    { corefile: 'dns64 example.org/96', error: /Corefile:2: dns64: invalid CIDR address/ },
    { corefile: 'dns64 192.0.2.0/24', error: /Corefile:2: dns64: invalid netmask 32 IPv6 address/ },
    { corefile: 'dns64 64:ff9b::/97', error: /Corefile:2: dns64: invalid prefix length "64:ff9b::\/97"/ },
    { corefile: 'dns64 64:ff9b::/95', error: /invalid prefix length/ },
    { corefile: 'dns64 64:ff9b::/24', error: /invalid prefix length/ },
    { corefile: 'dns64 {\n prefix\n}', error: /Corefile:3: dns64: prefix: expected 1 argument/ },
    { corefile: 'dns64 {\n frobnicate\n}', error: /Corefile:3: .*frobnicate/ },
    { corefile: 'dns64 {\n translate_all yes\n}', error: /Corefile:3: dns64: translate_all: expected 0 arguments/ },
  ];
  await assertSetupCases(t, dns64, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [dns64]);
});
