import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { buildQuery, QType, Rcode } from '@chaindns/core';
import { dig, readmeCorefiles, standIn, startTestServer } from '@chaindns/core/testing';
import { acl } from '../src/index.js';
import { exchangeFrom } from './client.js';

/** A stand-in for whoami: answers A with the client's address. */
const whoami = standIn('whoami', (req) => ({ answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: req.remote.address }] }));

const start = (corefile: string) => startTestServer(corefile, { plugins: [acl, whoami] });
const rcodeOf = (msg: Buffer | null): number | null => (msg ? msg[3]! & 0x0f : null);

/** What 127.0.0.1 gets from each README example: passed on (SERVFAIL: the examples end there) or refused. */
const fromLoopback = [Rcode.SERVFAIL, Rcode.SERVFAIL, Rcode.SERVFAIL, Rcode.REFUSED, Rcode.SERVFAIL, Rcode.SERVFAIL, Rcode.NOERROR];

test('every README example loads and answers 127.0.0.1 and 127.0.0.2 over UDP and TCP', async (t) => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, fromLoopback.length);
  for (const [i, corefile] of examples.entries()) {
    await t.test(`example ${i + 1}`, async () => {
      const s = await start(corefile);
      try {
        for (const transport of ['udp', 'tcp'] as const) {
          const msg = buildQuery('a.example.org', QType.A);
          assert.equal(rcodeOf(await exchangeFrom('127.0.0.1', s.port, msg, transport)), fromLoopback[i]);
          // The last example allows the host itself only.
          const other = rcodeOf(await exchangeFrom('127.0.0.2', s.port, msg, transport));
          assert.equal(other, i === examples.length - 1 ? Rcode.REFUSED : fromLoopback[i]);
        }
      } finally {
        await s.stop();
      }
    });
  }
});

test('block, filter, drop and allow by source address and type, over UDP and TCP', async () => {
  const s = await start('. {\n  acl {\n    drop net 127.0.0.3\n    filter type AAAA net 127.0.0.2\n    block net 127.0.0.2\n  }\n  whoami\n}');
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      const a = buildQuery('example.org', QType.A, { edns: { udpSize: 1232 } });
      const aaaa = buildQuery('example.org', QType.AAAA);
      const allowed = dnsPacket.decode((await exchangeFrom('127.0.0.1', s.port, a, transport))!);
      assert.deepEqual(allowed.answers?.map((r) => (r as { data: string }).data), ['127.0.0.1']);
      const blocked = (await exchangeFrom('127.0.0.2', s.port, a, transport))!;
      assert.deepEqual([rcodeOf(blocked), dnsPacket.decode(blocked).answers?.length], [Rcode.REFUSED, 0]);
      const filtered = (await exchangeFrom('127.0.0.2', s.port, aaaa, transport))!;
      assert.deepEqual([rcodeOf(filtered), dnsPacket.decode(filtered).answers?.length, dnsPacket.decode(filtered).additionals?.length], [Rcode.NOERROR, 0, 0]);
      assert.equal(await exchangeFrom('127.0.0.3', s.port, a, transport, 500), null);
    }
  } finally {
    await s.stop();
  }
});

test('dig from 127.0.0.2 is refused with EDE Blocked; dig from 127.0.0.1 is answered', async () => {
  const s = await start(readmeCorefiles(new URL('../../README.md', import.meta.url).pathname).at(-1)!);
  try {
    const refused = await dig(s.port, '-b', '127.0.0.2', 'example.org', 'A');
    assert.match(refused, /status: REFUSED/);
    assert.match(refused, /EDE: 15 \(Blocked\)/);
    assert.match(await dig(s.port, '-b', '127.0.0.1', '+tcp', 'example.org', 'A'), /^example\.org\.\s+0\s+IN\s+A\s+127\.0\.0\.1$/m);
  } finally {
    await s.stop();
  }
});
