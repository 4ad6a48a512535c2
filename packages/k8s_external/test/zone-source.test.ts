import assert from 'node:assert/strict';
import { test } from 'node:test';
import { present } from '@chaindns/core/testing';
import * as dnsPacket from 'dns-packet';
import { externalZoneSource } from '../src/index.js';
import { fakeSource, SERIAL } from './fake-source.js';

/** A wire record as presentation text. */
function text(rr: Buffer): string {
  return present(dnsPacket.decode(Buffer.concat([Buffer.from([0, 0, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0]), rr])).answers![0]!);
}

test('the external zone as a transfer sends it: SOA, NS and its address, each name’s records', () => {
  const source = fakeSource();
  const zone = externalZoneSource({ zones: ['example.com.', 'in-addr.arpa.'], apex: 'dns', ttl: 5, headless: false, source: () => source });
  assert.deepEqual(zone.zones(), ['example.com.']);
  assert.equal(zone.serial('example.com.'), SERIAL);
  assert.equal(zone.serial('in-addr.arpa.'), null);
  assert.equal(zone.records('example.net.'), null);
  const got = [...zone.records('example.com.')!].map(text);
  assert.deepEqual(got.slice(0, 3), [
    'example.com. 5 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 1499347823 7200 1800 86400 5',
    'example.com. 5 IN NS ns1.dns.example.com.',
    'ns1.dns.example.com. 5 IN A 127.0.0.1',
  ]);
  for (const want of [
    'svc1.testns.example.com. 5 IN A 1.2.3.4',
    'svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com.',
    '_http._tcp.svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com.',
    'svc6.testns.example.com. 5 IN AAAA 1:2::5',
    'svc12.testns.example.com. 5 IN CNAME dummy.hostname.',
    'svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname.',
    'noport.testns.example.com. 5 IN A 192.0.2.9',
  ]) {
    assert.ok(got.includes(want), want);
  }
  // A `_port._proto` name has SRV records only; a CNAME comes once; headless services stay out without `headless`.
  assert.ok(!got.some((r) => r.startsWith('_http._tcp.svc1.testns.example.com. 5 IN A ')));
  assert.equal(got.filter((r) => r.startsWith('svc12.testns.example.com. 5 IN CNAME')).length, 1);
  assert.ok(!got.some((r) => r.includes('svc-headless')));
  assert.equal(new Set(got).size, got.length, 'no record twice');
});

test('with headless, the headless services and their endpoints are in the zone', () => {
  const source = fakeSource();
  const zone = externalZoneSource({ zones: ['example.com.'], apex: 'dns', ttl: 5, headless: true, source: () => source });
  const got = [...zone.records('example.com.')!].map(text);
  for (const want of [
    'svc-headless.testns.example.com. 5 IN A 1.2.3.4',
    'svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-1.svc-headless.testns.example.com.',
    'endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4',
    '_http._tcp.svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-0.svc-headless.testns.example.com.',
  ]) {
    assert.ok(got.includes(want), want);
  }
});
