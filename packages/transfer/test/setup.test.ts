import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { transfer } from '../src/index.js';

const ctx = { zones: ['example.org.'], port: 53, warn: () => {} };

test('transfer setup', async (t) => {
  const xfr = (over: object) => ({ xfrs: [{ zones: ['example.org.'], anyone: false, to: [], source: null, ...over }] });
  const cases: SetupCase[] = [
    { corefile: 'transfer {\n  to *\n }', want: xfr({ anyone: true }) },
    { corefile: 'transfer example.net {\n  to *\n }', want: xfr({ zones: ['example.net.'], anyone: true }) },
    {
      corefile: 'transfer {\n  to 10.0.0.1 10.0.0.2:5300 [::1]:5301 2001:db8::1\n  to *\n  source 127.0.0.1\n }',
      want: xfr({
        anyone: true,
        to: [
          { host: '10.0.0.1', port: 53 },
          { host: '10.0.0.2', port: 5300 },
          { host: '::1', port: 5301 },
          { host: '2001:db8::1', port: 53 },
        ],
        source: '127.0.0.1',
      }),
    },
    { corefile: 'transfer', error: /Corefile:2: transfer: 'to' is required/ },
    { corefile: 'transfer {\n  to\n }', error: /Corefile:3: transfer: to: expected at least 1 argument/ },
    { corefile: 'transfer {\n  to example.com\n }', error: /Corefile:3: transfer: must specify an IP address: "example.com"$/ },
    { corefile: 'transfer {\n  to example.com:53\n }', error: /Corefile:3: transfer: must specify an IP address: "example.com:53"$/ },
    { corefile: 'transfer {\n  to *\n  source nowhere\n }', error: /Corefile:4: transfer: invalid source address "nowhere"/ },
    { corefile: 'transfer {\n  to *\n  source ::1\n  source ::1\n }', error: /Corefile:5: transfer: "source" given more than once/ },
    { corefile: 'transfer {\n  to *\n  tsig key\n }', error: /Corefile:4: transfer: unknown property "tsig"/ },
  ];
  await assertSetupCases(t, transfer, cases, { keys: 'example.org' });
});

test('several transfer lines combine', () => {
  const block = parseCorefile('. {\n transfer a. {\n  to *\n }\n transfer b. {\n  to 10.0.0.1\n }\n}').blocks[0]!;
  const configs = block.directives.map((d) => transfer.parse(d, ctx));
  assert.deepEqual(
    transfer.combine!(configs).xfrs.map((x) => x.zones),
    [['a.'], ['b.']],
  );
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [transfer]);
});
