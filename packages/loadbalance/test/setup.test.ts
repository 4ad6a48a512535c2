import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { loadbalance } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };
const parse = (text: string) => loadbalance.parse(parseCorefile(text).blocks[0]!.directives[0]!, ctx);

test('loadbalance setup', async (t) => {
  const cases: { corefile: string; prefer?: string[]; error?: RegExp }[] = [
    { corefile: '. {\n loadbalance\n}', prefer: [] },
    { corefile: '. {\n loadbalance round_robin\n}', prefer: [] },
    { corefile: '. {\n loadbalance {\n  prefer 10.0.0.0/8 fd00::/8\n  prefer 192.168.1.0/24\n }\n}', prefer: ['10.0.0.0/8', 'fd00::/8', '192.168.1.0/24'] },
    { corefile: '. {\n loadbalance round_robin {\n  prefer 10.0.0.0/8\n }\n}', prefer: ['10.0.0.0/8'] },
    { corefile: '. {\n loadbalance weighted ./weights\n}', error: /Corefile:2: loadbalance: the weighted policy is not supported by chaindns; use round_robin/ },
    { corefile: '. {\n loadbalance weighted ./weights {\n  reload 10s\n }\n}', error: /Corefile:2: loadbalance: the weighted policy is not supported/ },
    { corefile: '. {\n loadbalance random\n}', error: /Corefile:2: loadbalance: unknown policy "random", expected round_robin/ },
    { corefile: '. {\n loadbalance round_robin extra\n}', error: /Corefile:2: loadbalance: unexpected argument "extra" after round_robin/ },
    { corefile: '. {\n loadbalance {\n  limit_answers 5\n }\n}', error: /Corefile:3: loadbalance: limit_answers is not supported by chaindns/ },
    { corefile: '. {\n loadbalance {\n  prefer\n }\n}', error: /Corefile:3: loadbalance: prefer: expected at least 1 argument/ },
    { corefile: '. {\n loadbalance {\n  prefer 10.0.0.1\n }\n}', error: /Corefile:3: loadbalance: prefer: "10.0.0.1" is not a CIDR/ },
    { corefile: '. {\n loadbalance {\n  shuffle\n }\n}', error: /Corefile:3: loadbalance: unknown property "shuffle", expected one of: prefer/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      if (c.error) assert.throws(() => parse(c.corefile), c.error);
      else {
        const config = parse(c.corefile);
        assert.equal(config.policy, 'round_robin');
        assert.deepEqual(config.prefer.map((s) => s.text), c.prefer);
      }
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [loadbalance]);
});
