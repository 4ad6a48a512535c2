import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildQuery, Opcode, QType, Rcode } from '@chaindns/core';
import { eventually, exchangeUdp, startTestServer, type TestServer } from '@chaindns/core/testing';
import { secondary } from '../src/index.js';
import { catalogZone, memberZone } from './catalog-fixture.js';
import { zonesPrimary } from './scripted-primary.js';

// Catalog zones through the plugin, from a scripted primary; a NOTIFY makes it transfer a catalog again.

async function notify(s: TestServer, zone: string): Promise<void> {
  const msg = buildQuery(zone, QType.SOA);
  msg[2] = (Opcode.NOTIFY << 3) | 0x04;
  await exchangeUdp(s.port, msg);
}

/** The address www.`zone` has, or the rcode. */
async function www(s: TestServer, zone: string): Promise<string> {
  const r = await s.query(`www.${zone}`, 'A');
  return r.rcode === Rcode.NOERROR ? String((r.packet.answers?.[0] as { data?: unknown } | undefined)?.data) : `rcode ${r.rcode}`;
}

async function served(corefile: (port: number) => string, zones: Map<string, string[]>, run: (s: TestServer, zones: Map<string, string[]>) => Promise<void>): Promise<void> {
  const { upstream } = await zonesPrimary(zones);
  const s = await startTestServer(corefile(upstream.port), { plugins: [secondary] });
  try {
    await run(s, zones);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${s.logs.join('\n')}`, { cause: err });
  } finally {
    await s.stop();
    await upstream.stop();
  }
}

const one = (scope = '') => (port: number) => `. {\n    secondary catalog.example {\n        transfer from 127.0.0.1:${port}\n        catalog ${scope}\n    }\n}`;

test('members are added, reset when their ID changes, and removed when they leave the catalog', async () => {
  const zones = new Map([
    ['catalog.example.', catalogZone('catalog.example.', 1, [['a', 'example.org.'], ['b', 'example.net.']])],
    ['example.org.', memberZone('example.org.', 1, '192.0.2.1')],
    ['example.net.', memberZone('example.net.', 1, '192.0.2.3')],
  ]);
  await served(one(), zones, async (s) => {
    await eventually(async () => assert.equal(await www(s, 'example.org.'), '192.0.2.1'), 5000);
    await eventually(async () => assert.equal(await www(s, 'example.net.'), '192.0.2.3'), 5000);
    assert.match(s.logs.join('\n'), /Added catalog member zone example.org. from catalog catalog.example./);
    assert.match(s.logs.join('\n'), /Parsed catalog zone catalog.example. with 2 member zones/);
    // example.org's ID goes from a to c: a new zone, transferred anew (its refresh is an hour away).
    zones.set('example.org.', memberZone('example.org.', 2, '192.0.2.2'));
    zones.set('catalog.example.', catalogZone('catalog.example.', 2, [['c', 'example.org.']]));
    await notify(s, 'catalog.example.');
    await eventually(async () => assert.equal(await www(s, 'example.org.'), '192.0.2.2'), 5000);
    assert.match(s.logs.join('\n'), /Reset catalog member zone example.org. from catalog.example. after member ID changed from a to c/);
    await eventually(async () => assert.equal(await www(s, 'example.net.'), `rcode ${Rcode.REFUSED}`), 5000);
    assert.match(s.logs.join('\n'), /Removed catalog member zone example.net. from catalog catalog.example./);
  });
});

test('a catalog brings only the member zones its `catalog` line names, and never a zone of the configuration', async () => {
  const zones = new Map([
    ['catalog.example.', catalogZone('catalog.example.', 1, [['a', 'tenant.allowed.example.'], ['b', 'tenant.denied.example.'], ['c', 'example.org.']])],
    ['tenant.allowed.example.', memberZone('tenant.allowed.example.', 1, '192.0.2.1')],
    ['tenant.denied.example.', memberZone('tenant.denied.example.', 1, '192.0.2.2')],
    ['example.org.', memberZone('example.org.', 1, '192.0.2.9')],
  ]);
  const corefile = (port: number): string =>
    `. {\n    secondary example.org {\n        transfer from 127.0.0.1:${port}\n    }\n    secondary catalog.example {\n        transfer from 127.0.0.1:${port}\n        catalog allowed.example example.org\n    }\n}`;
  await served(corefile, zones, async (s) => {
    await eventually(async () => assert.equal(await www(s, 'tenant.allowed.example.'), '192.0.2.1'), 5000);
    await eventually(() => assert.match(s.logs.join('\n'), /Skipping catalog member zone example.org. from catalog.example.: zone already exists/), 5000);
    assert.match(s.logs.join('\n'), /Skipped 1 member zones from catalog catalog.example.: outside configured member zones/);
    assert.equal(await www(s, 'tenant.denied.example.'), `rcode ${Rcode.REFUSED}`);
    assert.equal(await www(s, 'example.org.'), '192.0.2.9');
  });
});

test('a member moves to another catalog only when its catalog names that one (coo); with the same ID, its data goes along', async () => {
  const zones = new Map([
    ['old.example.', catalogZone('old.example.', 1, [['a', 'example.org.']])],
    ['new.example.', catalogZone('new.example.', 1, [])],
    ['example.org.', memberZone('example.org.', 1, '192.0.2.1')],
  ]);
  const corefile = (port: number): string => `. {\n    secondary old.example new.example {\n        transfer from 127.0.0.1:${port}\n        catalog\n    }\n}`;
  await served(corefile, zones, async (s) => {
    await eventually(async () => assert.equal(await www(s, 'example.org.'), '192.0.2.1'), 5000);
    // Listed by the new catalog without the old one's say: it stays where it is.
    zones.set('new.example.', catalogZone('new.example.', 2, [['a', 'example.org.']]));
    await notify(s, 'new.example.');
    await eventually(() => assert.match(s.logs.join('\n'), /Skipping catalog member zone example.org. from new.example.: zone already exists/), 5000);
    // The old catalog names the new one, then the new one lists it: it moves, and answers from the data it had
    // while its primary refuses it.
    zones.set('old.example.', catalogZone('old.example.', 2, [['a', 'example.org.', 'new.example.']]));
    await notify(s, 'old.example.');
    await eventually(() => assert.match(s.logs.join('\n'), /Parsed catalog zone old.example. with 1 member zones[\s\S]*Parsed catalog zone old.example. with 1 member zones/), 5000);
    zones.delete('example.org.');
    zones.set('new.example.', catalogZone('new.example.', 3, [['a', 'example.org.']]));
    await notify(s, 'new.example.');
    await eventually(() => assert.match(s.logs.join('\n'), /Migrated catalog member zone example.org. from catalog old.example. to new.example., preserving state for member ID a/), 5000);
    assert.equal(await www(s, 'example.org.'), '192.0.2.1');
  });
});
