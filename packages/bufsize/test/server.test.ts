import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { definePlugin, expectArgs, reply } from '@chaindns/core';
import { dig, startTestServer, type TestServer } from '@chaindns/core/testing';
import { bufsize } from '../src/index.js';

/** `big N`: answers TXT with the UDP size it saw, then N records of 100 bytes. */
const big = definePlugin<number>({
  name: 'big',
  parse: (d) => Number(expectArgs(d, 1, 1)[0]!.text),
  setup: (count) => ({
    name: 'big',
    serveDNS(req, w) {
      const seen = { name: req.qnameRaw, type: 'TXT' as const, ttl: 60, data: `seen ${req.edns?.udpSize ?? 'none'}` };
      const filler = Array.from({ length: count }, () => ({ name: req.qnameRaw, type: 'TXT' as const, ttl: 60, data: 'x'.repeat(100) }));
      w.write(reply(req, { answers: [seen, ...filler] }));
      return 0;
    },
  }),
});

let s: TestServer;
before(async () => {
  s = await startTestServer('. {\n  bufsize 1100\n  big 15\n}', { plugins: [bufsize, big] });
});
after(() => s.stop());

test('dig +bufsize=4096 sees the answer truncated at 1100 bytes, and gets it whole over TCP', async () => {
  const udp = await dig(s.port, '+bufsize=4096', '+ignore', 'example.org', 'TXT');
  assert.match(udp, /flags: qr tc/);
  const tcp = await dig(s.port, '+bufsize=4096', '+tcp', 'example.org', 'TXT');
  assert.match(tcp, /"seen 1100"/, 'the chain saw the capped size');
  assert.match(tcp, /ANSWER: 16,/);
});

test('a client asking for less than the cap is left alone', async () => {
  const r = await s.query('example.org', 'TXT', { edns: { udpSize: 800 }, transport: 'tcp' });
  assert.equal(String((r.packet.answers?.[0] as { data: Buffer[] }).data[0]), 'seen 800');
});

test('a UDP answer over the cap is truncated for the kit client as well', async () => {
  const r = await s.query('example.org', 'TXT', { edns: { udpSize: 4096 } });
  assert.equal((r.msg[2]! & 0x02) !== 0, true, '15 x 100 bytes do not fit 1100');
});
