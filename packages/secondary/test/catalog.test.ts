import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecord } from '@chaindns/core';
import { type Zone, ZoneBuilder } from '@chaindns/file';
import { parseCatalog } from '../src/catalog.js';
import { catalogZone } from './catalog-fixture.js';

const ORIGIN = 'catalog.example.';

function zoneOf(records: readonly string[]): Zone {
  const b = new ZoneBuilder(ORIGIN);
  for (const text of records) {
    const r = parseRecord(text);
    b.add(r.name, r.type, r.class, r.ttl, r.rdata, r.rdata.length);
  }
  return b.finish();
}

test('a catalog: its members by ID, their zones lowercased, a change of ownership', () => {
  const catalog = parseCatalog(ORIGIN, zoneOf(catalogZone(ORIGIN, 1, [['b', 'Example.NET.', 'new.catalog.example.'], ['a', 'example.org.']])));
  assert.deepEqual(catalog, {
    origin: ORIGIN,
    members: [
      { id: 'a', zone: 'example.org.', coo: null },
      { id: 'b', zone: 'example.net.', coo: 'new.catalog.example.' },
    ],
  });
  // Names deeper or elsewhere under the catalog are not members.
  const other = parseCatalog(ORIGIN, zoneOf([...catalogZone(ORIGIN, 1, []), `x.y.zones.${ORIGIN} 0 IN PTR example.com.`, `ext.${ORIGIN} 0 IN PTR example.com.`]));
  assert.deepEqual(other.members, []);
});

test('what RFC 9432 does not allow fails the catalog, as CoreDNS', async (t) => {
  const cases: Array<{ name: string; records: string[]; error: RegExp }> = [
    { name: 'no NS', records: catalogZone(ORIGIN, 1, []).filter((r) => !/ NS /.test(r)), error: /has no NS record/ },
    { name: 'no version', records: catalogZone(ORIGIN, 1, []).filter((r) => !r.startsWith('version')), error: /must have exactly one version TXT record/ },
    { name: 'two versions', records: [...catalogZone(ORIGIN, 1, []), `version.${ORIGIN} 0 IN TXT "1"`], error: /must have exactly one version TXT record/ },
    { name: 'version 1', records: catalogZone(ORIGIN, 1, [], '1'), error: /has unsupported version "1"/ },
    { name: 'a member with two PTRs', records: [...catalogZone(ORIGIN, 1, [['a', 'example.org.']]), `a.zones.${ORIGIN} 0 IN PTR example.net.`], error: /catalog member a.zones.catalog.example. must have exactly one PTR record/ },
    { name: 'a zone under two IDs', records: catalogZone(ORIGIN, 1, [['a', 'example.org.'], ['b', 'example.org.']]), error: /catalog member zone example.org. is listed by both a and b/ },
    { name: 'two coo', records: [...catalogZone(ORIGIN, 1, [['a', 'example.org.', 'one.example.']]), `coo.a.zones.${ORIGIN} 0 IN PTR two.example.`], error: /catalog member a has more than one coo PTR record/ },
  ];
  for (const c of cases) await t.test(c.name, () => assert.throws(() => parseCatalog(ORIGIN, zoneOf(c.records)), c.error));
});
