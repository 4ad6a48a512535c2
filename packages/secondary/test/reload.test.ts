import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { eventually, startTestServer } from '@chaindns/core/testing';
import { secondary } from '../src/index.js';
import { type Script, scriptedPrimary } from './scripted-primary.js';

const corefile = (port: number): string => `example.org {\n    secondary {\n        transfer from 127.0.0.1:${port}\n    }\n}`;

test('a reload keeps the zone (served at once, not transferred again); new primaries transfer it anew', async () => {
  const script: Script = { serial: 1, timers: '3600 600 86400 300', down: false, ixfr: 'whole' };
  const a = await scriptedPrimary(script);
  const b = await scriptedPrimary({ ...script, serial: 2 });
  const s = await startTestServer(corefile(a.upstream.port), { plugins: [secondary] });
  try {
    await eventually(async () => (await s.query('serial.example.org', 'TXT')).rcode === Rcode.NOERROR, 5000);
    await s.server.reload(corefile(a.upstream.port));
    const kept = await s.query('serial.example.org', 'TXT');
    assert.equal(kept.rcode, Rcode.NOERROR, 'served by the new config at once');
    assert.deepEqual(a.asked, ['AXFR']);
    await s.server.reload(corefile(b.upstream.port));
    await eventually(async () => assert.deepEqual((await s.query('serial.example.org', 'TXT')).packet.answers?.map((r) => String((r as { data: unknown }).data)), ['2']), 5000);
    assert.deepEqual(b.asked, ['AXFR']);
  } finally {
    await s.stop();
    await a.upstream.stop();
    await b.upstream.stop();
  }
});
