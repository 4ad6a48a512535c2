import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { reload, type ReloadConfig } from '../src/index.js';

test('reload setup', async (t) => {
  const cases: SetupCase<ReloadConfig>[] = [
    { corefile: '. {\n reload\n}', want: { intervalMs: 30_000, jitterMs: 15_000 } },
    { corefile: '. {\n reload 10s\n}', want: { intervalMs: 10_000, jitterMs: 5000 } },
    { corefile: '. {\n reload 1m 10s\n}', want: { intervalMs: 60_000, jitterMs: 10_000 } },
    { corefile: '. {\n reload 2s 1s\n}', want: { intervalMs: 2000, jitterMs: 1000 } },
    { corefile: '. {\n reload 2s 5s\n}', want: { intervalMs: 2000, jitterMs: 1000 } },
    { corefile: '. {\n reload 1m30s\n}', want: { intervalMs: 90_000, jitterMs: 15_000 } },
    { corefile: '. {\n reload 1s\n}', error: /Corefile:2: reload: interval value must be greater or equal to 2s, got 1s/ },
    { corefile: '. {\n reload 1999ms\n}', error: /Corefile:2: reload: interval value must be greater or equal to 2s/ },
    { corefile: '. {\n reload 10s 500ms\n}', error: /Corefile:2: reload: jitter value must be greater or equal to 1s, got 500ms/ },
    { corefile: '. {\n reload 10s 0s\n}', error: /Corefile:2: reload: jitter value must be greater or equal to 1s/ },
    { corefile: '. {\n reload ten\n}', error: /Corefile:2: reload: expected a duration such as 5s, 1m or 250ms, got "ten"/ },
    { corefile: '. {\n reload 10s 5s 1s\n}', error: /Corefile:2: reload: expected 0 to 2 arguments, got 3/ },
    { corefile: '. {\n reload {\n  interval 5s\n }\n}', error: /Corefile:2: reload: takes no block/ },
  ];
  await assertSetupCases(t, reload, cases, { keys: null });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [reload]);
});
