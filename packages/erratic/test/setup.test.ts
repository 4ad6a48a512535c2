import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { erratic } from '../src/index.js';

const none = { drop: 0, truncate: 0, delay: 0, duration: 0, large: false };

test('erratic setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'erratic', want: { ...none, drop: 2 } },
    { corefile: 'erratic {\n drop 3\n}', want: { ...none, drop: 3 } },
    { corefile: 'erratic {\n drop\n}', want: { ...none, drop: 2 } },
    { corefile: 'erratic {\n drop 0\n}', want: none },
    { corefile: 'erratic {\n delay\n}', want: { ...none, delay: 2, duration: 100 } },
    { corefile: 'erratic {\n delay 3 50ms\n}', want: { ...none, delay: 3, duration: 50 } },
    { corefile: 'erratic {\n delay 3 5ms\n truncate 5\n}', want: { ...none, delay: 3, duration: 5, truncate: 5 } },
    { corefile: 'erratic {\n truncate\n}', want: { ...none, truncate: 2 } },
    { corefile: 'erratic {\n drop 2\n truncate 2\n}', want: { ...none, drop: 2, truncate: 2 } },
    { corefile: 'erratic {\n large\n}', want: { ...none, drop: 2, large: true } },
    { corefile: 'erratic 1', error: /Corefile:2: erratic: expected 0 arguments, got 1/ },
    { corefile: 'erratic {\n drop -1\n}', error: /Corefile:3: erratic: drop: / },
    { corefile: 'erratic {\n drop 1 2\n}', error: /Corefile:3: erratic: drop: expected 0 to 1 arguments, got 2/ },
    { corefile: 'erratic {\n delay 1 2 3\n}', error: /Corefile:3: erratic: delay: expected 0 to 2 arguments, got 3/ },
    { corefile: 'erratic {\n delay 1 soon\n}', error: /Corefile:3: erratic: delay: expected a duration/ },
    { corefile: 'erratic {\n truncate x\n}', error: /Corefile:3: erratic: truncate: / },
    { corefile: 'erratic {\n flaky\n}', error: /Corefile:3: erratic: unknown property "flaky"/ },
  ];
  await assertSetupCases(t, erratic, cases, { keys: 'example.org' });
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [erratic]);
});
