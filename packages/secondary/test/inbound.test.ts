import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRecord } from '@chaindns/core';
import { type Zone, ZoneBuilder, zoneRecords } from '@chaindns/file';
import { type Inbound, InboundTransfer } from '../src/inbound.js';
import { TransferError } from '../src/response.js';

const ORIGIN = 'example.org.';
const soa = (serial: number): string => `example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. ${serial} 7200 3600 1209600 300`;

/** Feeds presentation records to a transfer, one message each list. */
function feed(t: InboundTransfer, ...messages: string[][]): void {
  for (const records of messages) {
    for (const text of records) {
      const r = parseRecord(text);
      t.record(r.name, r.type, r.class, r.ttl, r.rdata, r.rdata.length);
    }
    t.endOfMessage();
  }
}

/** A zone built straight from records: what a transfer must come to. */
function zoneOf(records: string[]): Zone {
  const b = new ZoneBuilder(ORIGIN);
  for (const text of records) {
    const r = parseRecord(text);
    b.add(r.name, r.type, r.class, r.ttl, r.rdata, r.rdata.length);
  }
  return b.finish();
}

/** A zone's records, comparable: each record's bytes in hex, sorted (the SOA first). */
function contents(zone: Zone): string[] {
  const [first, ...rest] = [...zoneRecords(zone)].map((b) => b.toString('hex'));
  return [first!, ...rest.sort()];
}

async function zoneFrom(result: Inbound, held?: Zone): Promise<Zone> {
  if (result.kind === 'zone') return result.zone;
  if (result.kind === 'diff') return (await result.diff.apply(held!, result.soaRecord)).zone;
  throw new Error(`no zone: ${result.kind}`);
}

const BASE = [soa(1), 'example.org. 300 IN NS ns1.example.org.', 'ns1.example.org. 300 IN A 127.0.0.1', 'www.example.org. 300 IN A 192.0.2.1', 'old.example.org. 300 IN A 192.0.2.9', 'ttl.example.org. 300 IN A 192.0.2.5'];

test('AXFR: the SOA, the records, the SOA again make the zone', async () => {
  const t = new InboundTransfer(ORIGIN, null);
  feed(t, [...BASE.slice(0, 3)], [...BASE.slice(3), soa(1)]);
  assert.equal(t.complete, true);
  const result = t.result();
  assert.equal(result.kind, 'zone');
  assert.deepEqual(contents(await zoneFrom(result)), contents(zoneOf(BASE)));
  assert.equal(result.kind === 'zone' && result.soa.serial, 1);
  assert.equal(result.kind === 'zone' && result.records, BASE.length);
});

test('AXFR: names outside the zone are left out and counted', async () => {
  const t = new InboundTransfer(ORIGIN, null);
  feed(t, [...BASE, 'www.example.net. 300 IN A 192.0.2.1', soa(1)]);
  assert.equal(t.outOfZone, 1);
  assert.deepEqual(contents(await zoneFrom(t.result())), contents(zoneOf(BASE)));
});

test('what is not a transfer fails with why', async (t) => {
  const cases: Array<{ name: string; since: number | null; messages: string[][]; error: RegExp }> = [
    { name: 'no SOA first', since: null, messages: [['www.example.org. 300 IN A 192.0.2.1']], error: /does not start with the SOA/ },
    { name: 'another closing SOA', since: null, messages: [[...BASE, soa(2)]], error: /closing SOA differs/ },
    { name: 'records after the end', since: null, messages: [[...BASE, soa(1), 'x.example.org. 300 IN A 192.0.2.1']], error: /after the closing SOA/ },
    { name: 'a class other than IN', since: null, messages: [[soa(1), 'www.example.org. 300 CH A 192.0.2.1']], error: /class 3/ },
    { name: 'a SOA of another name', since: null, messages: [[soa(1), 'sub.example.org. 300 IN SOA a. b. 1 1 1 1 1']], error: /a SOA record for sub.example.org./ },
    { name: 'an empty answer', since: null, messages: [[]], error: /holds no records/ },
    { name: 'IXFR: a newer SOA alone', since: 1, messages: [[soa(2)]], error: /a SOA alone with a newer serial/ },
    { name: 'IXFR: differences from another serial', since: 1, messages: [[soa(3), soa(2), soa(3), soa(3)]], error: /start at serial 2, not at 1/ },
    { name: 'IXFR: a gap between differences', since: 1, messages: [[soa(4), soa(1), soa(2), soa(3), soa(4), soa(4)]], error: /starts at serial 3, not at 2/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.throws(
        () => feed(new InboundTransfer(ORIGIN, c.since), ...c.messages),
        (err: unknown) => err instanceof TransferError && c.error.test(err.message),
      );
    });
  }
});

test('IXFR: a SOA alone that is not newer says the zone is current', () => {
  for (const serial of [1, 0]) {
    const t = new InboundTransfer(ORIGIN, 1);
    feed(t, [soa(serial)]);
    assert.equal(t.complete, true);
    assert.deepEqual(t.result(), { kind: 'current' });
  }
});

test('IXFR: an answer with the whole zone (the primary has no differences) makes the zone', async () => {
  const t = new InboundTransfer(ORIGIN, 1);
  const next = [soa(2), ...BASE.slice(1)];
  feed(t, [...next, soa(2)]);
  assert.deepEqual(contents(await zoneFrom(t.result())), contents(zoneOf(next)));
});

test('IXFR: differences in sequence are applied in order: deletions, additions, a TTL change, a record added then deleted', async () => {
  const held = zoneOf(BASE);
  const t = new InboundTransfer(ORIGIN, 1);
  feed(
    t,
    [soa(3), soa(1), 'old.example.org. 300 IN A 192.0.2.9', soa(2), 'new.example.org. 300 IN A 192.0.2.2'],
    [soa(2), 'new.example.org. 300 IN A 192.0.2.2', 'ttl.example.org. 300 IN A 192.0.2.5', soa(3), 'ttl.example.org. 60 IN A 192.0.2.5', 'new2.example.org. 300 IN A 192.0.2.3', soa(3)],
  );
  assert.equal(t.complete, true);
  const result = t.result();
  assert.equal(result.kind, 'diff');
  const want = [soa(3), 'example.org. 300 IN NS ns1.example.org.', 'ns1.example.org. 300 IN A 127.0.0.1', 'www.example.org. 300 IN A 192.0.2.1', 'ttl.example.org. 60 IN A 192.0.2.5', 'new2.example.org. 300 IN A 192.0.2.3'];
  assert.deepEqual(contents(await zoneFrom(result, held)), contents(zoneOf(want)));
});

test('IXFR: differences that delete a record the zone does not hold fail (the caller then asks for AXFR)', async () => {
  const t = new InboundTransfer(ORIGIN, 1);
  feed(t, [soa(2), soa(1), 'gone.example.org. 300 IN A 192.0.2.77', soa(2), soa(2)]);
  const result = t.result();
  assert.equal(result.kind, 'diff');
  await assert.rejects(zoneFrom(result, zoneOf(BASE)), /deletes 1 record\(s\) the zone does not hold/);
});
