import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QClass, Rcode } from '@chaindns/core';
import { assertCase, startTestServer, type TestServer } from '@chaindns/core/testing';
import { whoami } from '../src/index.js';

let s: TestServer;
before(async () => {
  s = await startTestServer('. {\n  whoami\n}', { plugins: [whoami] });
});
after(() => s.stop());

for (const transport of ['udp', 'tcp'] as const) {
  test(`whoami over real ${transport} sockets`, async () => {
    const reply = await s.query('whoami.example.org', 'A', { transport });
    assert.equal(reply.packet.answers?.length, 0);
    const [a, srv] = reply.packet.additionals ?? [];
    assert.deepEqual({ type: a?.type, data: (a as { data: string }).data }, { type: 'A', data: '127.0.0.1' });
    assert.equal(srv?.name, `_${transport}.whoami.example.org`);
    assertCase(reply.packet, { qname: 'whoami.example.org', qtype: 'A', authoritative: true });
  });
}

test('an IPv4 client of a wildcard-bound server (no bind: "::", dual-stack) gets an A record', async () => {
  const wildcard = await startTestServer('. {\n  whoami\n}', { plugins: [whoami], defaultAddresses: ['::'] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      const reply = await wildcard.query('whoami.example.org', 'A', { transport });
      const [a] = reply.packet.additionals ?? [];
      assert.deepEqual({ type: a?.type, data: (a as { data: string }).data }, { type: 'A', data: '127.0.0.1' }, transport);
    }
  } finally {
    await wildcard.stop();
  }
});

test('a block with whoami alone answers a CH question REFUSED, as CoreDNS does', async () => {
  for (const transport of ['udp', 'tcp'] as const) {
    const reply = await s.query('whoami.example.org', 'A', { transport, qclass: QClass.CH });
    assert.equal(reply.rcode, Rcode.REFUSED, transport);
    assert.deepEqual([reply.packet.answers, reply.packet.additionals], [[], []]);
  }
});
