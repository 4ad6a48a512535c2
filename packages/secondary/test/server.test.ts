import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { buildQuery, Opcode, QType, Rcode } from '@chaindns/core';
import { dig, eventually, freePort, startTestServer, type TestServer } from '@chaindns/core/testing';
import { secondary } from '../src/index.js';
import { type Named, startNamed } from './named.js';
import { exampleOrg, QUESTIONS } from './zone-text.js';

// A real primary (BIND's named) on 127.0.0.1, and chaindns pulling example.org from it.

/** Enough TXT records that an AXFR takes several messages. */
const MANY = ['$GENERATE 1-3000 host$ TXT "record number $ of a zone too large for one message"'];

/**
 * What dig shows of an answer, comparable between servers: status and flags, the answer and
 * authority sections sorted and lowercased. The SOA's TTL in a negative answer is left out:
 * BIND gives the SOA's MINIMUM (RFC 2308), chaindns its TTL (as CoreDNS's file).
 */
async function view(port: number, name: string, type: string, ...flags: string[]): Promise<string> {
  const out = await dig(port, '+noall', '+answer', '+authority', '+comments', ...flags, name, type);
  const status = /status: (\w+)/.exec(out)?.[1];
  const header = /flags: ([a-z ]+);/.exec(out)?.[1];
  const records = out
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => l.toLowerCase().split(/\s+/))
    .map((f) => (f[3] === 'soa' ? [f[0], 'TTL', ...f.slice(2)] : f).join(' '))
    .sort();
  return [`${status} ${header}`, ...records].join('\n');
}

let named: Named;
let s: TestServer;
before(async () => {
  const port = await freePort();
  named = await startNamed({ 'example.org': exampleOrg(1, MANY) }, { notify: port });
  s = await startTestServer(`example.org:${port} {\n    secondary {\n        transfer from 127.0.0.1:${named.port}\n    }\n}`, { plugins: [secondary] });
  await eventually(async () => (await s.query('example.org', 'SOA')).rcode === Rcode.NOERROR, 10_000, 'the first transfer');
});
after(async () => {
  await s?.stop();
  await named?.remove();
});

test('chaindns pulls the zone from BIND (an AXFR of several messages) and answers as BIND does, over UDP and TCP', async () => {
  assert.match(named.output(), /transfer of 'example.org\/IN': AXFR ended: ([2-9]|\d\d+) messages, 3022 records/);
  assert.match(s.logs.join('\n'), /Transferred: example.org. from 127.0.0.1:\d+ \(AXFR, 3021 records, serial 1\)/);
  for (const [name, type] of [...QUESTIONS, ['host2999.example.org', 'TXT'] as const]) {
    for (const tcp of [[], ['+tcp']]) {
      assert.equal(await view(s.port, name, type, ...tcp), await view(named.port, name, type, ...tcp), `${name} ${type} ${tcp.join('')}`);
    }
  }
});

test('a change at the primary is served within two seconds of its NOTIFY, by IXFR', async () => {
  named.setZone('example.org', exampleOrg(2, [...MANY.map((l) => l.replace('1-3000', '2-3000')), 'new 300 IN A 192.0.2.99']));
  const began = Date.now();
  named.reload();
  await eventually(async () => (await dig(s.port, '+short', 'new.example.org', 'A')).trim() === '192.0.2.99', 5000, 'the new record');
  const took = Date.now() - began;
  assert.ok(took < 2000, `served ${took} ms after the reload`);
  assert.equal(await view(s.port, 'host1.example.org', 'TXT'), await view(named.port, 'host1.example.org', 'TXT'), 'a deleted record is gone');
  assert.match(await view(s.port, 'host1.example.org', 'TXT'), /^NXDOMAIN/);
  assert.match(s.logs.join('\n'), /Notify from 127.0.0.1 for example.org.: checking transfer/);
  assert.match(s.logs.join('\n'), /Transferred: example.org. from 127.0.0.1:\d+ \(IXFR, 3021 records, serial 2\)/);
  assert.match(named.output(), /transfer of 'example.org\/IN': IXFR started \(serial 1 -> 2\)/);
  for (const [name, type] of QUESTIONS) assert.equal(await view(s.port, name, type), await view(named.port, name, type), `${name} ${type}`);
});

test('a NOTIFY from an address that is not a primary is dropped without an answer; the primary gets one', async () => {
  const notify = buildQuery('example.org', QType.SOA, { id: 4321 });
  notify[2] = (Opcode.NOTIFY << 3) | 0x04;
  for (const [from, answered] of [
    ['127.0.0.2', false],
    ['127.0.0.1', true],
  ] as const) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, from, resolve));
    const reply = new Promise<Buffer | null>((resolve) => {
      socket.once('message', (m) => resolve(m));
      setTimeout(() => resolve(null), 1000);
    });
    socket.send(notify, s.port, '127.0.0.1');
    const got = await reply;
    socket.close();
    assert.equal(got !== null, answered, from);
    if (got) assert.deepEqual([got.readUInt16BE(0), (got[2]! >> 3) & 0xf, got[2]! & 0x04, got[3]! & 0xf], [4321, Opcode.NOTIFY, 0x04, Rcode.NOERROR]);
  }
  assert.match(s.logs.join('\n'), /Dropping notify from 127.0.0.2 for example.org./);
});

test('without NOTIFY, a short SOA refresh finds the new serial; when the primary stops, the zone expires to SERVFAIL and comes back with it', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const timers = { refresh: 1, retry: 1, expire: 3 };
  const primary = await startNamed({ 'example.org': exampleOrg(10, [], timers) });
  const server = await startTestServer(`example.org:${port} {\n    secondary {\n        transfer from 127.0.0.1:${primary.port}\n    }\n}`, { plugins: [secondary] });
  try {
    await eventually(async () => (await dig(port, '+short', 'www.example.org', 'A')).trim() === '192.0.2.1', 10_000, 'the first transfer');
    primary.setZone('example.org', exampleOrg(11, ['later 300 IN A 192.0.2.11'], timers));
    primary.reload();
    // The refresh (1 s) and CoreDNS's jitter (up to 5 s).
    await eventually(async () => (await dig(port, '+short', 'later.example.org', 'A')).trim() === '192.0.2.11', 10_000, 'the refresh');
    assert.doesNotMatch(server.logs.join('\n'), /Notify from/);
    await primary.stop();
    // A failed refresh, then the expire interval (3 s) from the last check that worked.
    await eventually(async () => /status: SERVFAIL/.test(await dig(port, 'www.example.org', 'A')), 15_000, 'the zone expires');
    assert.match(server.logs.join('\n'), /Zone example.org. is expired/);
    await primary.start();
    // The next retry (1 s and up to 2 s of jitter) finds the primary, with the same serial.
    await eventually(async () => (await dig(port, '+short', 'later.example.org', 'A')).trim() === '192.0.2.11', 10_000, 'served again');
  } finally {
    await server.stop();
    await primary.remove();
  }
});
