import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { loadbalance } from '../src/index.js';

test('loadbalance setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: '. {\n loadbalance\n}', want: { prefer: [] } },
    { corefile: '. {\n loadbalance round_robin\n}', want: { prefer: [] } },
    { corefile: '. {\n loadbalance {\n  prefer 10.0.0.0/8 fd00::/8\n  prefer 192.168.1.0/24\n }\n}', want: { prefer: ['10.0.0.0/8', 'fd00::/8', '192.168.1.0/24'] } },
    { corefile: '. {\n loadbalance round_robin {\n  prefer 10.0.0.0/8\n }\n}', want: { prefer: ['10.0.0.0/8'] } },
    { corefile: '. {\n loadbalance weighted ./weights\n}', error: /Corefile:2: loadbalance: the weighted policy is not supported by chaindns; use round_robin/ },
    { corefile: '. {\n loadbalance weighted ./weights {\n  reload 10s\n }\n}', error: /Corefile:2: loadbalance: the weighted policy is not supported/ },
    { corefile: '. {\n loadbalance random\n}', error: /Corefile:2: loadbalance: unknown policy "random", expected round_robin/ },
    { corefile: '. {\n loadbalance round_robin extra\n}', error: /Corefile:2: loadbalance: unexpected argument "extra" after round_robin/ },
    { corefile: '. {\n loadbalance {\n  limit_answers 5\n }\n}', error: /Corefile:3: loadbalance: limit_answers is not supported by chaindns/ },
    { corefile: '. {\n loadbalance {\n  prefer\n }\n}', error: /Corefile:3: loadbalance: prefer: expected at least 1 argument/ },
    { corefile: '. {\n loadbalance {\n  prefer 10.0.0.1\n }\n}', error: /Corefile:3: loadbalance: prefer: "10.0.0.1" is not a CIDR/ },
    { corefile: '. {\n loadbalance {\n  shuffle\n }\n}', error: /Corefile:3: loadbalance: unknown property "shuffle", expected one of: prefer/ },
  ];
  await assertSetupCases(t, loadbalance, cases, { keys: null, view: (c) => ({ policy: c.policy, prefer: c.prefer.map((s) => s.text) }), defaults: { policy: 'round_robin' } });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [loadbalance]);
});
