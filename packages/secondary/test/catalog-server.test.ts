import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dig, eventually, freePort, startTestServer } from '@chaindns/core/testing';
import { secondary } from '../src/index.js';
import { catalogZone, memberZone } from './catalog-fixture.js';
import { startNamed } from './named.js';

// A catalog zone (RFC 9432) from BIND's named as a real primary: its members served, and followed through NOTIFY.

const text = (records: string[]): string => `${records.join('\n')}\n`;

test('chaindns consumes a catalog from BIND: its members served, a changed catalog adds and removes them, a member follows its own NOTIFY', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const named = await startNamed(
    {
      'catalog.example': text(catalogZone('catalog.example.', 1, [['a', 'example.org.'], ['b', 'example.net.']])),
      'example.org': text(memberZone('example.org.', 1, '192.0.2.1')),
      'example.net': text(memberZone('example.net.', 1, '192.0.2.2')),
      'example.com': text(memberZone('example.com.', 1, '192.0.2.3')),
    },
    { notify: port },
  );
  const s = await startTestServer(`.:${port} {\n    secondary catalog.example {\n        transfer from 127.0.0.1:${named.port}\n        catalog\n    }\n}`, { plugins: [secondary] });
  const short = async (name: string): Promise<string> => (await dig(port, '+short', name, 'A')).trim();
  try {
    await eventually(async () => assert.equal(await short('www.example.org'), '192.0.2.1'), 10_000);
    await eventually(async () => assert.equal(await short('www.example.net'), '192.0.2.2'), 10_000);
    assert.equal((await dig(port, '+short', 'a.zones.catalog.example', 'PTR')).trim(), 'example.org.', 'the catalog zone is served too');
    named.setZone('catalog.example', text(catalogZone('catalog.example.', 2, [['a', 'example.org.'], ['c', 'example.com.']])));
    named.setZone('example.org', text(memberZone('example.org.', 2, '192.0.2.11')));
    named.reload();
    await eventually(async () => assert.equal(await short('www.example.com'), '192.0.2.3'), 5000);
    await eventually(async () => assert.match(await dig(port, 'www.example.net', 'A'), /status: REFUSED/), 5000);
    await eventually(async () => assert.equal(await short('www.example.org'), '192.0.2.11'), 5000);
    const logs = s.logs.join('\n');
    assert.match(logs, /Notify from 127.0.0.1 for example.org.: checking transfer/);
    assert.match(logs, /Transferred: example.org. from 127.0.0.1:\d+ \(IXFR, 4 records, serial 2\)/);
    assert.match(logs, /Removed catalog member zone example.net. from catalog catalog.example./);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- chaindns:\n${s.logs.join('\n')}\n--- named:\n${named.output()}`, { cause: err });
  } finally {
    await s.stop();
    await named.remove();
  }
});
