import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QClass, Rcode } from '@chaindns/core';
import { assertCase, endOfChain, makeRequest, rr, serveWith } from '@chaindns/core/testing';
import { createAny } from '../src/index.js';

test('any answers ANY with the HINFO of RFC 8482, in the case asked', async () => {
  const { rcode, recorder } = await serveWith(createAny(), makeRequest('Example.ORG', 'ANY', { edns: { udpSize: 1232 } }), endOfChain);
  assert.equal(rcode, Rcode.NOERROR);
  const p = recorder.packet();
  assertCase(p, { qname: 'Example.ORG.', qtype: 'ANY', rcode: Rcode.NOERROR, answer: [rr('Example.ORG. 8482 IN HINFO "ANY obsoleted" "See RFC 8482"')] });
  assert.equal(p.flags! & 0x0400, 0, 'not authoritative, as CoreDNS');
  assert.equal(p.additionals?.[0]?.type, 'OPT', 'the client\'s EDNS is answered');
});

test('any answers ANY in any class with an IN HINFO, as CoreDNS', async () => {
  const { recorder } = await serveWith(createAny(), makeRequest('example.org', 'ANY', { qclass: QClass.CH }), endOfChain);
  assert.equal((recorder.packet().answers?.[0] as { class?: string } | undefined)?.class, 'IN');
});

test('any passes every other type on', async () => {
  for (const type of ['A', 'AAAA', 'HINFO', 'TXT'] as const) {
    const { rcode, recorder } = await serveWith(createAny(), makeRequest('example.org', type), endOfChain);
    assert.equal(rcode, Rcode.SERVFAIL, type);
    assert.equal(recorder.writes, 0, type);
  }
});
