import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { acl } from '../src/index.js';

const all = { qtypes: null, nets: null };

test('acl setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'acl', want: { rules: [{ zones: ['example.org.'], policies: [] }] } },
    { corefile: 'acl {\n block\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'block', ...all }] }] } },
    { corefile: 'acl a.example.org B.example.org {\n ALLOW\n}', want: { rules: [{ zones: ['a.example.org.', 'b.example.org.'], policies: [{ action: 'allow', ...all }] }] } },
    { corefile: 'acl {\n filter type A AAAA net 192.168.0.0/16 10.1.1.1 ::1\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'filter', qtypes: [1, 28], nets: ['192.168.0.0/16', '10.1.1.1/32', '::1/128'] }] }] } },
    { corefile: 'acl {\n drop NET 2001:db8::/32 TYPE MX\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'drop', qtypes: [15], nets: ['2001:db8::/32'] }] }] } },
    { corefile: 'acl {\n block type A * net * 10.0.0.1\n}', want: { rules: [{ zones: ['example.org.'], policies: [{ action: 'block', ...all }] }] } },
    { corefile: 'acl {\n deny\n}', error: /Corefile:3: acl: unexpected token "deny"; expect 'allow', 'block', 'filter' or 'drop'/ },
    { corefile: 'acl {\n block A\n}', error: /Corefile:3: acl: unexpected token "A"; expect 'type \| net'/ },
    { corefile: 'acl {\n block type\n}', error: /Corefile:3: acl: no token specified in "type" section/ },
    { corefile: 'acl {\n block net\n}', error: /Corefile:3: acl: no token specified in "net" section/ },
    { corefile: 'acl {\n block type NOPE\n}', error: /Corefile:3: acl: unexpected token "NOPE"; expect legal QTYPE/ },
    { corefile: 'acl {\n block net 192.168.0.0/33\n}', error: /Corefile:3: acl: illegal CIDR notation "192.168.0.0\/33"/ },
    { corefile: 'acl {\n block net example.org\n}', error: /Corefile:3: acl: illegal CIDR notation "example.org"/ },
    { corefile: 'acl {\n block net ::1/129\n}', error: /illegal CIDR notation/ },
  ];
  await assertSetupCases(t, acl, cases, { keys: 'example.org' });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [acl]);
});
