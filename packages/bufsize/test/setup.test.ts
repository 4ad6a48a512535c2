import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { bufsize } from '../src/index.js';

test('bufsize setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'bufsize', want: { size: 1232 } },
    { corefile: 'bufsize 512', want: { size: 512 } },
    { corefile: 'bufsize 4096', want: { size: 4096 } },
    { corefile: 'bufsize 511', error: /Corefile:2: bufsize: SIZE must be an integer from 512 to 4096, got "511"$/ },
    { corefile: 'bufsize 4097', error: /Corefile:2: bufsize: SIZE must be an integer from 512 to 4096, got "4097"$/ },
    { corefile: 'bufsize 1k', error: /got "1k"/ },
    { corefile: 'bufsize 1232 1232', error: /Corefile:2: bufsize: expected 0 to 1 arguments, got 2$/ },
    { corefile: 'bufsize {\n  x\n }', error: /Corefile:2: bufsize: takes no block$/ },
  ];
  await assertSetupCases(t, bufsize, cases);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 2);
  for (const corefile of examples) checkCorefile(corefile, [bufsize]);
});
