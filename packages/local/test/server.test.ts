import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { dig, readmeCorefiles, startTestServer } from '@chaindns/core/testing';
import { local } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1} answers localhost names over UDP and TCP, and counts them`, async () => {
    const s = await startTestServer(corefile, { plugins: [local] });
    try {
      for (const transport of ['udp', 'tcp'] as const) {
        const a = await s.query('a.localhost', 'A', { transport });
        assert.deepEqual((a.packet.answers ?? []).map((r) => [r.name, r.type, (r as { data?: unknown }).data]), [['a.localhost', 'A', '127.0.0.1']]);
        const nx = await s.query('2.0.0.127.in-addr.arpa', 'PTR', { transport });
        assert.equal(nx.rcode, Rcode.NXDOMAIN);
        // No plugin after local: a name outside its zones ends the chain with SERVFAIL.
        assert.equal((await s.query('example.org', 'A', { transport })).rcode, Rcode.SERVFAIL);
      }
      for (const transport of ['+notcp', '+tcp']) {
        assert.match(await dig(s.port, '+nocmd', transport, '+noall', '+answer', 'AAAA', 'localhost'), /^localhost\.\s+604800\s+IN\s+AAAA\s+::1$/m);
        assert.match(await dig(s.port, '+nocmd', transport, '+noall', '+answer', '-x', '127.0.0.1'), /^1\.0\.0\.127\.in-addr\.arpa\.\s+604800\s+IN\s+PTR\s+localhost\.$/m);
      }
      assert.match(await s.server.registry.metrics(), /^coredns_local_localhost_requests_total 2$/m);
    } finally {
      await s.stop();
    }
  });
}
