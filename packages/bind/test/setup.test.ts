import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { bind, resolveAddresses } from '../src/index.js';

test('bind parses addresses, interfaces and except; given twice, it adds up', async (t) => {
  const cases: SetupCase[] = [
    { corefile: '. {\n bind 127.0.0.1\n}', want: ['127.0.0.1'] },
    { corefile: '. {\n bind 127.0.0.1 ::1\n}', want: ['127.0.0.1', '::1'] },
    { corefile: '. {\n bind lo {\n  except ::1\n }\n}', want: ['127.0.0.1'] },
    { corefile: '. {\n bind 127.0.0.1\n bind ::1\n}', want: ['127.0.0.1', '::1'] },
    { corefile: '. {\n bind\n}', error: /Corefile:2: bind: expected at least 1 argument/ },
    { corefile: '. {\n bind 300.1.1.1\n}', error: /Corefile:2: bind: "300.1.1.1" is not an IP address or an interface/ },
    { corefile: '. {\n bind lo {\n  only ::1\n }\n}', error: /Corefile:3: bind: unknown property "only", expected one of: except/ },
  ];
  await assertSetupCases(t, bind, cases, { keys: null, view: resolveAddresses });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [bind]);
});
