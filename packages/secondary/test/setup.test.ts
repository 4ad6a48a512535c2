import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { secondary, type SecondaryConfig } from '../src/index.js';

function parse(corefile: string): SecondaryConfig[] {
  const block = parseCorefile(corefile).blocks[0]!;
  const zones = block.keys.map((k) => k.zone);
  return block.directives.map((d) => secondary.parse(d, { zones, port: 53, warn: () => {} }));
}

/** The config without the tokens it points errors at (and `catalog` only for a catalog zone). */
function plain(c: SecondaryConfig): unknown {
  return { fallthrough: c.fallthrough, zones: c.zones.map(({ at: _at, catalog, ...rest }) => (catalog === null ? rest : { ...rest, catalog })) };
}

const lo = { host: '127.0.0.1', port: 53 };

test('secondary setup', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'example.org {\n secondary {\n  transfer from 127.0.0.1\n }\n}', want: { fallthrough: null, zones: [{ origin: 'example.org.', primaries: [lo] }] } },
    { corefile: '. {\n secondary Example.ORG {\n  transfer from 127.0.0.1\n }\n}', want: { fallthrough: null, zones: [{ origin: 'example.org.', primaries: [lo] }] } },
    {
      corefile: '. {\n secondary example.org example.net {\n  transfer from 10.0.1.1 10.1.2.1:5300 2001:db8::1 [2001:db8::2]:5301\n }\n}',
      want: {
        fallthrough: null,
        zones: ['example.org.', 'example.net.'].map((origin) => ({
          origin,
          primaries: [
            { host: '10.0.1.1', port: 53 },
            { host: '10.1.2.1', port: 5300 },
            { host: '2001:db8::1', port: 53 },
            { host: '2001:db8::2', port: 5301 },
          ],
        })),
      },
    },
    {
      corefile: 'example.org {\n secondary {\n  transfer from 10.0.1.1\n  transfer from 10.1.2.1\n }\n}',
      want: { fallthrough: null, zones: [{ origin: 'example.org.', primaries: [{ host: '10.0.1.1', port: 53 }, { host: '10.1.2.1', port: 53 }] }] },
    },
    { corefile: 'example.org {\n secondary {\n  transfer from 127.0.0.1\n  fallthrough\n }\n}', want: { fallthrough: ['.'], zones: [{ origin: 'example.org.', primaries: [lo] }] } },
    { corefile: 'example.org {\n secondary {\n  transfer from 127.0.0.1\n  fallthrough a.example.org\n }\n}', want: { fallthrough: ['a.example.org.'], zones: [{ origin: 'example.org.', primaries: [lo] }] } },
    { corefile: 'catalog.example {\n secondary {\n  transfer from 127.0.0.1\n  catalog\n }\n}', want: { fallthrough: null, zones: [{ origin: 'catalog.example.', primaries: [lo], catalog: [] }] } },
    {
      corefile: 'catalog.example {\n secondary {\n  transfer from 127.0.0.1\n  catalog EXAMPLE.ORG internal.example\n }\n}',
      want: { fallthrough: null, zones: [{ origin: 'catalog.example.', primaries: [lo], catalog: ['example.org.', 'internal.example.'] }] },
    },
    {
      corefile: 'catalog.example {\n secondary {\n  transfer from 127.0.0.1\n  catalog example.org EXAMPLE.ORG\n  catalog internal.example\n }\n}',
      want: { fallthrough: null, zones: [{ origin: 'catalog.example.', primaries: [lo], catalog: ['example.org.', 'internal.example.'] }] },
    },
    { corefile: 'catalog.example {\n secondary {\n  transfer from 127.0.0.1\n  catalog example.org\n  catalog\n }\n}', want: { fallthrough: null, zones: [{ origin: 'catalog.example.', primaries: [lo], catalog: [] }] } },
    { corefile: 'catalog.example {\n secondary {\n  transfer from 127.0.0.1\n  catalog :\n }\n}', error: /Corefile:4: secondary: catalog: ":" is not a valid zone$/ },
    { corefile: 'example.org {\n secondary\n}', error: /Corefile:2: secondary: secondary zones require a transfer from property$/ },
    { corefile: 'example.org {\n secondary {\n  fallthrough\n }\n}', error: /Corefile:2: secondary: secondary zones require a transfer from property$/ },
    { corefile: 'example.org {\n secondary {\n  transferr from 127.0.0.1\n }\n}', error: /Corefile:3: secondary: unknown property "transferr", expected one of: transfer, fallthrough, catalog/ },
    { corefile: 'example.org {\n secondary {\n  transfer to 127.0.0.1\n }\n}', error: /Corefile:3: secondary: unknown property "transfer to"/ },
    { corefile: 'example.org {\n secondary {\n  transfer\n }\n}', error: /Corefile:3: secondary: transfer: expected at least 1 argument, got 0$/ },
    { corefile: 'example.org {\n secondary {\n  transfer from\n }\n}', error: /Corefile:3: secondary: transfer from needs at least one address$/ },
    { corefile: 'example.org {\n secondary {\n  transfer from *\n }\n}', error: /Corefile:3: secondary: can't use '\*' in transfer from$/ },
    { corefile: 'example.org {\n secondary {\n  transfer from ns1.example.net\n }\n}', error: /Corefile:3: secondary: must specify an IP address: "ns1.example.net"$/ },
    { corefile: 'example.org {\n secondary {\n  transfer from ns1.example.net:53\n }\n}', error: /Corefile:3: secondary: must specify an IP address: "ns1.example.net:53"$/ },
    { corefile: 'example.org {\n secondary {\n  transfer from 127.0.0.1:99999\n }\n}', error: /Corefile:3: secondary: address "127.0.0.1:99999" has port "99999"/ },
    { corefile: 'example.org {\n secondary {\n  transfer from 127.0.0.1\n  fallthrough\n  fallthrough\n }\n}', error: /Corefile:5: secondary: "fallthrough" given more than once$/ },
  ];
  await assertSetupCases(t, secondary, cases, { keys: null, view: plain });
});

test('several secondary lines in a block make one handler; fallthrough is shared, the last given wins; a zone may be given once', () => {
  const combined = secondary.combine!(parse('. {\n secondary a.example {\n  transfer from 10.0.0.1\n  fallthrough\n }\n secondary b.example {\n  transfer from 10.0.0.2\n }\n}'));
  assert.deepEqual(plain(combined), {
    fallthrough: ['.'],
    zones: [
      { origin: 'a.example.', primaries: [{ host: '10.0.0.1', port: 53 }] },
      { origin: 'b.example.', primaries: [{ host: '10.0.0.2', port: 53 }] },
    ],
  });
  assert.throws(() => secondary.combine!(parse('. {\n secondary example.org {\n  transfer from 10.0.0.1\n }\n secondary example.org {\n  transfer from 10.0.0.2\n }\n}')), /Corefile:5: secondary: zone example.org. is given more than once$/);
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length >= 2);
  for (const corefile of examples) checkCorefile(corefile, [secondary]);
});
