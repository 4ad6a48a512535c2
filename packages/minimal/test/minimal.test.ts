import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Answer, Rcode, reply } from '@chaindns/core';
import { decodeReply, makeRequest, rr, serveWith } from '@chaindns/core/testing';
import { createMinimal } from '../src/index.js';
import { minimize } from '../src/minimal.js';

const NOW = 1_700_000_000;
const answer = rr('example.org. 300 IN A 192.0.2.1');
const ns = rr('example.org. 300 IN NS ns.example.org.');
const soa = rr('example.org. 300 IN SOA ns.example.org. admin.example.org. 1 2 3 4 5');
const glue = rr('ns.example.org. 300 IN A 192.0.2.53');
const rrsig = (expiration: number): Answer =>
  ({ name: 'example.org', type: 'RRSIG', ttl: 300, data: { typeCovered: 'A', algorithm: 8, labels: 2, originalTTL: 300, expiration, inception: NOW - 86400, keyTag: 1, signersName: 'example.org', signature: Buffer.alloc(8) } }) as Answer;

interface Row {
  readonly name: string;
  readonly qtype?: 'A' | 'AXFR';
  readonly do?: boolean;
  readonly rcode?: number;
  readonly answers?: Answer[];
  readonly authorities?: Answer[];
  readonly additionals?: Answer[];
  /** Whether the authority and additional sections (but the OPT) go. */
  readonly minimized: boolean;
}

const rows: readonly Row[] = [
  { name: 'a positive answer', answers: [answer], authorities: [ns], additionals: [glue], minimized: true },
  { name: 'an empty NOERROR without SOA or NS', additionals: [glue], minimized: true },
  { name: 'NODATA', authorities: [soa], additionals: [glue], minimized: false },
  { name: 'NXDOMAIN', rcode: Rcode.NXDOMAIN, authorities: [soa], minimized: false },
  { name: 'NXDOMAIN with an answer', rcode: Rcode.NXDOMAIN, answers: [answer], authorities: [soa], minimized: false },
  { name: 'a delegation', authorities: [ns], additionals: [glue], minimized: false },
  { name: 'SERVFAIL', rcode: Rcode.SERVFAIL, authorities: [ns], minimized: false },
  { name: 'REFUSED', rcode: Rcode.REFUSED, authorities: [ns], minimized: false },
  { name: 'a zone transfer', qtype: 'AXFR', answers: [soa], authorities: [ns], minimized: false },
  { name: 'an expired RRSIG with DO', do: true, answers: [answer, rrsig(NOW - 1)], authorities: [ns], minimized: false },
  { name: 'a valid RRSIG with DO', do: true, answers: [answer, rrsig(NOW + 86400)], authorities: [ns, rrsig(NOW + 86400)], minimized: true },
  { name: 'an expired RRSIG without DO', answers: [answer, rrsig(NOW - 1)], authorities: [ns], minimized: true },
];

test('minimal drops authority and additional records where CoreDNS does', async (t) => {
  for (const row of rows) {
    await t.test(row.name, async () => {
      const req = makeRequest('example.org', row.qtype ?? 'A', { edns: { udpSize: 1232, do: row.do ?? false } });
      const original = reply(req, { rcode: row.rcode ?? 0, answers: row.answers ?? [], authorities: row.authorities ?? [], additionals: row.additionals ?? [] });
      const { recorder } = await serveWith(createMinimal({ now: () => NOW }), req, (_r, w) => (w.write(Buffer.from(original)), 0));
      const got = decodeReply(recorder.msg!).packet;
      const before = decodeReply(original).packet;
      assert.deepEqual(got.answers, before.answers);
      if (row.minimized) {
        assert.deepEqual(got.authorities, []);
        assert.deepEqual(got.additionals?.map((r) => r.type), ['OPT'], 'the OPT stays');
        assert.equal(got.flags, before.flags);
      } else {
        assert.deepEqual(recorder.msg, original);
      }
    });
  }
});

test('minimal returns the very reply when there is nothing to drop, or it does not parse', () => {
  const req = makeRequest('example.org', 'A', { edns: { udpSize: 1232 } });
  const bare = reply(req, { answers: [answer] });
  assert.equal(minimize(bare, NOW), bare);
  const bad = Buffer.from(reply(req, { answers: [answer], authorities: [ns] }).subarray(0, 40));
  assert.equal(minimize(bad, NOW), bad);
});
