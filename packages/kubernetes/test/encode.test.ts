import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Answer, reply } from '@chaindns/core';
import { decodeReply, makeRequest, rr } from '@chaindns/core/testing';
import { encodeReply } from '../src/encode.js';

const records: Answer[] = [
  rr('Svc.NS.svc.Cluster.Local. 5 IN A 10.0.0.1'),
  rr('svc.ns.svc.cluster.local. 5 IN AAAA fd00::1:2'),
  rr('ext.ns.svc.cluster.local. 5 IN CNAME target.example.org.'),
  rr('1.0.0.10.in-addr.arpa. 5 IN PTR svc.ns.svc.cluster.local.'),
  rr('cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.'),
  rr('_http._tcp.svc.ns.svc.cluster.local. 5 IN SRV 0 33 80 ep-1.svc.ns.svc.cluster.local.'),
  rr('dns-version.cluster.local. 28800 IN TXT "1.1.0"'),
  rr('cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1499347823 7200 1800 86400 5'),
];

const strip = (p: ReturnType<typeof decodeReply>['packet']): unknown => ({
  id: p.id,
  flags: p.flags,
  questions: p.questions,
  answers: p.answers,
  authorities: p.authorities,
  additionals: p.additionals?.map((a) => (a.type === 'OPT' ? { type: 'OPT', udpPayloadSize: (a as { udpPayloadSize: number }).udpPayloadSize } : a)),
});

test('encodeReply decodes to what core reply() encodes, for every record type, smaller', () => {
  for (const edns of [undefined, { udpSize: 1232, do: true }]) {
    const req = makeRequest('Svc.NS.svc.Cluster.Local.', 'A', { id: 4242, ...(edns ? { edns } : {}) });
    const parts = { answers: records.slice(0, 4), authorities: records.slice(4, 5), additionals: records.slice(5) };
    const ours = encodeReply(req, { rcode: 0, ...parts });
    const theirs = reply(req, { authoritative: true, ...parts });
    assert.deepEqual(strip(decodeReply(ours).packet), strip(decodeReply(theirs).packet));
    assert.ok(ours.length < theirs.length * 0.7, `compressed ${ours.length} vs ${theirs.length}`);
  }
});

test('encodeReply: rcode, AA, TC, RD echoed, the question as asked', () => {
  const req = makeRequest('nothing.ns.svc.cluster.local.', 'AAAA', { id: 7 });
  const p = decodeReply(encodeReply(req, { rcode: 3, authorities: [records[7]!], truncated: true })).packet;
  assert.equal((p.flags ?? 0) & 0x0f, 3);
  assert.equal(p.flag_aa, true);
  assert.equal(p.flag_tc, true);
  assert.equal(p.flag_rd, true);
  assert.equal(p.id, 7);
  assert.deepEqual(p.questions, [{ name: 'nothing.ns.svc.cluster.local', type: 'AAAA', class: 'IN' }]);
});

test('encodeReply refuses records it does not know, and names with a label over 63 bytes', () => {
  const req = makeRequest('a.cluster.local.', 'MX');
  assert.throws(() => encodeReply(req, { rcode: 0, answers: [rr('a.cluster.local. 5 IN MX 10 mail.example.org.')] }), /cannot encode MX/);
  assert.throws(() => encodeReply(req, { rcode: 0, answers: [{ name: `${'x'.repeat(64)}.cluster.local.`, type: 'A', ttl: 5, class: 'IN', data: '10.0.0.1' }] }), /bad label/);
});
