import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { buildQuery, NO_REPLY, Opcode, parseRequest, QType, Rcode, Request, silentLogger } from '@chaindns/core';
import { assertCase, makeRequest, serveWith } from '@chaindns/core/testing';
import { loadZone, ZoneSet, ZoneSlot } from '@chaindns/file';
import { createSecondary } from '../src/index.js';
import { primaryMatcher } from '../src/primary.js';
import { exampleOrg } from './zone-text.js';

function handler(): { handler: ReturnType<typeof createSecondary>; zones: ZoneSet; slot: ZoneSlot; notified: string[] } {
  const slot = new ZoneSlot('example.org.');
  const zones = new ZoneSet([slot]);
  const notified: string[] = [];
  const keeper = { isPrimary: primaryMatcher([{ host: '127.0.0.1', port: 53 }]), notify: () => notified.push('example.org.') };
  const h = createSecondary({ zones, keepers: new Map([['example.org.', keeper]]), fallthrough: null, resolve: () => Promise.reject(new Error('no server')), last: false, log: silentLogger });
  return { handler: h, zones, slot, notified };
}

function notify(name: string, from: string): Request {
  const msg = buildQuery(name, QType.SOA, { id: 77 });
  msg[2] = (Opcode.NOTIFY << 3) | 0x04;
  return parseRequest(msg, 'udp', { address: from, port: 5353, family: from.includes(':') ? 6 : 4 }) as Request;
}

test('a zone not transferred yet is SERVFAIL; once in, it is answered as file answers it', async () => {
  const { handler: h, zones, slot } = handler();
  assert.equal((await serveWith(h, makeRequest('www.example.org', 'A'))).rcode, Rcode.SERVFAIL);
  zones.swap(slot, loadZone('', 'example.org.', exampleOrg(1)));
  const { recorder } = await serveWith(h, makeRequest('www.example.org', 'A'));
  assertCase(recorder.packet(), { qname: 'www.example.org.', qtype: 'A', authoritative: true, answer: ['www.example.org. 300 IN A 192.0.2.1'] });
  zones.withdraw(slot);
  assert.equal((await serveWith(h, makeRequest('www.example.org', 'A'))).rcode, Rcode.SERVFAIL);
});

test('a NOTIFY from a primary is answered (NOTIFY, AA, NOERROR, its question) and checks the zone', async () => {
  const { handler: h, notified } = handler();
  for (const from of ['127.0.0.1', '::ffff:127.0.0.1']) {
    const { rcode, recorder } = await serveWith(h, notify('Example.ORG', from));
    assert.equal(rcode, Rcode.NOERROR);
    const reply = dnsPacket.decode(recorder.msg!) as dnsPacket.Packet & { opcode?: string };
    assert.equal(reply.id, 77);
    assert.equal(reply.opcode, 'NOTIFY');
    assert.equal(reply.flags! & 0x040f, 0x0400, 'AA, NOERROR');
    assert.deepEqual(reply.questions, [{ name: 'Example.ORG', type: 'SOA', class: 'IN' }]);
  }
  assert.deepEqual(notified, ['example.org.', 'example.org.']);
});

test('a NOTIFY from another address is dropped without an answer; one for another zone passes on', async () => {
  const { handler: h, notified } = handler();
  const { rcode, recorder } = await serveWith(h, notify('example.org', '127.0.0.2'));
  assert.deepEqual({ rcode, writes: recorder.writes }, { rcode: NO_REPLY, writes: 0 });
  assert.equal((await serveWith(h, notify('example.net', '127.0.0.1'), () => 42)).rcode, 42);
  assert.deepEqual(notified, []);
});
