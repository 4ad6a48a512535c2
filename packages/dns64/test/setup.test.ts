import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { dns64 } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const defaults = { prefix: '64:ff9b::/96', translateAll: false, allowIPv4: false };

test('dns64 setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'dns64', want: defaults },
    { line: 'dns64 64:1337::/96', want: { ...defaults, prefix: '64:1337::/96' } },
    { line: 'dns64 {\n prefix 64:1337::/32\n}', want: { ...defaults, prefix: '64:1337::/32' } },
    { line: 'dns64 {\n translate_all\n allow_ipv4\n}', want: { ...defaults, translateAll: true, allowIPv4: true } },
    { line: 'dns64 2001:db8::/64 {\n translate_all\n}', want: { ...defaults, prefix: '2001:db8::/64', translateAll: true } },
    { line: 'dns64 64:ff9b::/96 64:ff9b::/96', error: /Corefile:2: dns64: expected 0 to 1 arguments, got 2/ },
    { line: 'dns64 64:ff9b::', error: /Corefile:2: dns64: invalid CIDR address: 64:ff9b::/ },
    { line: 'dns64 example.org/96', error: /Corefile:2: dns64: invalid CIDR address/ },
    { line: 'dns64 192.0.2.0/24', error: /Corefile:2: dns64: invalid netmask 32 IPv6 address/ },
    { line: 'dns64 64:ff9b::/97', error: /Corefile:2: dns64: invalid prefix length "64:ff9b::\/97"/ },
    { line: 'dns64 64:ff9b::/95', error: /invalid prefix length/ },
    { line: 'dns64 64:ff9b::/24', error: /invalid prefix length/ },
    { line: 'dns64 {\n prefix\n}', error: /Corefile:3: dns64: prefix: expected 1 argument/ },
    { line: 'dns64 {\n frobnicate\n}', error: /Corefile:3: .*frobnicate/ },
    { line: 'dns64 {\n translate_all yes\n}', error: /Corefile:3: dns64: translate_all: expected 0 arguments/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`. {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => dns64.parse(d, ctx), c.error);
      else assert.deepEqual(dns64.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [dns64]);
});
