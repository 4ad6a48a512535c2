import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readName, skipName } from '@chaindns/core';
import { loadZone } from '../src/zone-loader.js';
import { ZoneSet, ZoneSlot } from '../src/zone-set.js';
import { fileZoneSource } from '../src/zone-source.js';

const text = (serial: number, extra = ''): string =>
  `$ORIGIN example.org.\n@ 3600 IN SOA ns1 admin ${serial} 7200 3600 1209600 300\n@ 3600 IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.1\nwww IN A 192.0.2.2\nsub IN NS ns.other.\n${extra}`;

/** "owner TYPE" of a record in uncompressed wire form. */
function describe(rr: Buffer): string {
  return `${readName(rr, 0)} ${rr.readUInt16BE(skipName(rr, 0))}`;
}

test('file offers each zone: the SOA first, every record once (delegations included), its serial', () => {
  const slot = new ZoneSlot('example.org.', '/nonexistent');
  const zones = new ZoneSet([slot]);
  const source = fileZoneSource(zones);
  assert.deepEqual(source.zones(), []);
  assert.equal(source.records('example.org.'), null);
  zones.swap(slot, loadZone('db', 'example.org.', text(7)), 0);
  assert.deepEqual(source.zones(), ['example.org.']);
  assert.equal(source.serial('example.org.'), 7);
  assert.equal(source.serial('example.net.'), null);
  const records = [...source.records('example.org.')!].map(describe);
  assert.equal(records[0], 'example.org. 6', 'the SOA first');
  assert.deepEqual(records.slice(1).sort(), ['example.org. 2', 'ns1.example.org. 1', 'sub.example.org. 2', 'www.example.org. 1', 'www.example.org. 1']);
});

test('file tells its listeners of a swap with a new serial, not of the first load or the same serial', () => {
  const slot = new ZoneSlot('example.org.', '/nonexistent');
  const zones = new ZoneSet([slot]);
  const changed: string[] = [];
  fileZoneSource(zones).onChange((zone) => changed.push(zone));
  zones.swap(slot, loadZone('db', 'example.org.', text(1)), 0);
  zones.swap(slot, loadZone('db', 'example.org.', text(1, 'new IN A 192.0.2.9\n')), 1);
  assert.deepEqual(changed, []);
  zones.swap(slot, loadZone('db', 'example.org.', text(2)), 2);
  assert.deepEqual(changed, ['example.org.']);
});

test('a zone added to the set is found and offered, the most specific first; a removed one is not', () => {
  const org = new ZoneSlot('example.org.');
  const zones = new ZoneSet([org]);
  const source = fileZoneSource(zones);
  zones.swap(org, loadZone('db', 'example.org.', text(1)));
  const sub = new ZoneSlot('sub.example.org.');
  const generation = zones.generation;
  zones.add(sub);
  zones.swap(sub, loadZone('db', 'sub.example.org.', '@ 3600 IN SOA ns1 admin 1 7200 3600 1209600 300\n@ 3600 IN NS ns1\n'));
  assert.ok(zones.generation > generation);
  assert.equal(zones.slot('www.sub.example.org.'), sub);
  assert.deepEqual(source.zones(), ['sub.example.org.', 'example.org.']);
  zones.remove(sub);
  assert.equal(zones.slot('www.sub.example.org.'), org);
  assert.deepEqual(source.zones(), ['example.org.']);
});
