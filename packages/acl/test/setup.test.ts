import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { acl } from '../src/index.js';

const ctx = { zones: ['example.org.'], port: 53, warn: () => {} };
const all = { qtypes: null, nets: null };

test('acl setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: 'acl', want: { rules: [{ zones: ['example.org.'], policies: [] }] } },
    { line: 'acl {\n block\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'block', ...all }] }] } },
    { line: 'acl a.example.org B.example.org {\n ALLOW\n}', want: { rules: [{ zones: ['a.example.org.', 'b.example.org.'], policies: [{ action: 'allow', ...all }] }] } },
    { line: 'acl {\n filter type A AAAA net 192.168.0.0/16 10.1.1.1 ::1\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'filter', qtypes: [1, 28], nets: ['192.168.0.0/16', '10.1.1.1/32', '::1/128'] }] }] } },
    { line: 'acl {\n drop NET 2001:db8::/32 TYPE MX\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'drop', qtypes: [15], nets: ['2001:db8::/32'] }] }] } },
    { line: 'acl {\n block type A * net * 10.0.0.1\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'block', ...all }] }] } },
    { line: 'acl {\n deny\n}', error: /Corefile:3: acl: unexpected token "deny"; expect 'allow', 'block', 'filter' or 'drop'/ },
    { line: 'acl {\n block A\n}', error: /Corefile:3: acl: unexpected token "A"; expect 'type \| net'/ },
    { line: 'acl {\n block type\n}', error: /Corefile:3: acl: no token specified in "type" section/ },
    { line: 'acl {\n block net\n}', error: /Corefile:3: acl: no token specified in "net" section/ },
    { line: 'acl {\n block type NOPE\n}', error: /Corefile:3: acl: unexpected token "NOPE"; expect legal QTYPE/ },
    { line: 'acl {\n block net 192.168.0.0/33\n}', error: /Corefile:3: acl: illegal CIDR notation "192.168.0.0\/33"/ },
    { line: 'acl {\n block net example.org\n}', error: /Corefile:3: acl: illegal CIDR notation "example.org"/ },
    { line: 'acl {\n block net ::1/129\n}', error: /illegal CIDR notation/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(`example.org {\n ${c.line}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => acl.parse(d, ctx), c.error);
      else assert.deepEqual(acl.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [acl]);
});
