import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { startTestServer, startTestUpstream } from '@chaindns/core/testing';
import { forward } from '../src/index.js';
import { answer, qnameOf } from './helpers.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('a query no upstream answers gets SERVFAIL within about 5s, over UDP and TCP, and the server keeps serving', async () => {
  const silent = await startTestUpstream({ handler: () => null });
  cleanups.push(() => silent.stop());
  const s = await startTestServer(`. {\n  forward . 127.0.0.1:${silent.port}\n}\nhealthy.test {\n  answer\n}`, { plugins: [forward, answer] });
  cleanups.push(() => s.stop());
  const start = performance.now();
  const timed = (transport: 'udp' | 'tcp') => s.query(`${transport}.example.org`, 'A', { transport, timeoutMs: 8000 }).then((r) => ({ rcode: r.rcode, ms: performance.now() - start }));
  const pending = Promise.all([timed('udp'), timed('tcp')]);
  await new Promise((r) => setTimeout(r, 500));
  const during = await s.query('www.healthy.test', 'A');
  assert.equal((during.packet.answers?.[0] as { data: string }).data, '192.0.2.99', 'other zones are served meanwhile');
  for (const { rcode, ms } of await pending) {
    assert.equal(rcode, Rcode.SERVFAIL);
    assert.ok(ms > 4500 && ms < 6000, `SERVFAIL after ${Math.round(ms)}ms`);
  }
  // Three tries each (2s, 2s, then the rest of the 5s), on the client's transport.
  const tries = (transport: string): number => silent.received.filter((r) => r.transport === transport && qnameOf(r.msg) === `${transport}.example.org.`).length;
  assert.deepEqual([tries('udp'), tries('tcp')], [3, 3]);
  assert.equal((await s.query('again.healthy.test', 'A')).rcode, Rcode.NOERROR);
  assert.deepEqual(s.server.status.unhealthy(), []);
});
