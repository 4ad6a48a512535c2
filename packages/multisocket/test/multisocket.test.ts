import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { workersOf } from '../src/index.js';

test('workersOf: the largest multisocket of the Corefile, a bare one the CPUs', async (t) => {
  const cases: { corefile: string; want: number | null; error?: RegExp }[] = [
    { corefile: '. {\n whoami\n}', want: null },
    { corefile: '. {\n multisocket 3\n}', want: 3 },
    { corefile: '. {\n multisocket\n}', want: 6 },
    { corefile: 'a.:53 {\n multisocket 2\n}\nb.:54 {\n multisocket 4\n}\nc.:55 {\n whoami\n}', want: 4 },
    { corefile: 'a.:53 {\n multisocket 8\n}\nb.:54 {\n multisocket\n}', want: 8 },
    { corefile: '. {\n multisocket 0\n}', want: null, error: /Corefile:2: multisocket: 0 is out of range/ },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), () => {
      const parsed = parseCorefile(c.corefile);
      if (c.error) assert.throws(() => workersOf(parsed, 6), c.error);
      else assert.equal(workersOf(parsed, 6), c.want);
    });
  }
});
