import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { DEFAULT_ADDRESS, dashboard } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('dashboard setup', async (t) => {
  const cases: { block: string; want?: object; error?: RegExp }[] = [
    { block: 'dashboard', want: { address: DEFAULT_ADDRESS, token: null, domains: null } },
    { block: 'dashboard :9053', want: { address: { host: '', port: 9053 }, token: null, domains: null } },
    { block: 'dashboard [::1]:8053', want: { address: { host: '::1', port: 8053 }, token: null, domains: null } },
    { block: 'dashboard localhost:0 {\n    token s3cret\n  }', want: { address: { host: 'localhost', port: 0 }, token: 's3cret', domains: null } },
    { block: 'dashboard {\n    cluster_domain cluster.local Example.Org\n  }', want: { address: DEFAULT_ADDRESS, token: null, domains: ['cluster.local.', 'example.org.'] } },
    { block: 'dashboard 8053', error: /Corefile:2: dashboard: address "8053" has no port: expected \[HOST\]:PORT, such as 127\.0\.0\.1:8053/ },
    { block: 'dashboard :80530', error: /Corefile:2: dashboard: address ":80530" has port "80530"/ },
    { block: 'dashboard a:1 b:2', error: /Corefile:2: dashboard: expected 0 to 1 arguments, got 2/ },
    { block: 'dashboard {\n    token\n  }', error: /Corefile:3: dashboard: token: expected 1 argument, got 0/ },
    { block: 'dashboard {\n    token a b\n  }', error: /Corefile:3: dashboard: token: expected 1 argument, got 2/ },
    { block: 'dashboard {\n    cluster_domain\n  }', error: /Corefile:3: dashboard: cluster_domain: expected at least 1 argument, got 0/ },
    { block: 'dashboard {\n    refresh 5s\n  }', error: /Corefile:3: .*refresh/ },
  ];
  for (const c of cases) {
    await t.test(c.block, () => {
      const d = parseCorefile(`. {\n  ${c.block}\n}`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => dashboard.parse(d, ctx), c.error);
      else assert.deepEqual(dashboard.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [dashboard]);
});
