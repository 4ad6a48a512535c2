import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, reply } from '@chaindns/core';
import { dig, readmeCorefiles, rr, startTestServer } from '@chaindns/core/testing';
import { minimal } from '../src/index.js';

const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);

/**
 * Stands in for the README's `forward . 8.8.8.8` (tests send nothing off
 * this host, and a plugin may not import another): a referral-style answer
 * for a.example.org, NODATA for anything else.
 */
const forward = definePlugin<null>({
  name: 'forward',
  parse: () => null,
  setup: () => ({
    name: 'forward',
    serveDNS: (req, w) => {
      const found = req.qname === 'a.example.org.';
      w.write(
        reply(req, {
          answers: found ? [rr('a.example.org. 300 IN A 192.0.2.1')] : [],
          authorities: [found ? rr('example.org. 300 IN NS ns.example.org.') : rr('example.org. 300 IN SOA ns.example.org. admin.example.org. 1 2 3 4 5')],
          additionals: [rr('ns.example.org. 300 IN A 192.0.2.53')],
        }),
      );
      return 0;
    },
  }),
});
/** The README's `whoami`: never reached, forward answers first. */
const whoami = definePlugin<null>({ name: 'whoami', parse: () => null, setup: () => ({ name: 'whoami', serveDNS: () => 2 }) });

for (const [i, corefile] of examples.entries()) {
  test(`README example ${i + 1}: a positive answer comes without authority and additional records, NODATA whole, over UDP and TCP`, async () => {
    const s = await startTestServer(corefile, { plugins: [minimal, forward, whoami] });
    try {
      for (const transport of ['udp', 'tcp'] as const) {
        const hit = (await s.query('a.example.org', 'A', { transport, edns: { udpSize: 1232 } })).packet;
        assert.deepEqual([hit.answers?.length, hit.authorities?.length, hit.additionals?.map((r) => r.type)], [1, 0, ['OPT']], transport);
        const nodata = (await s.query('b.example.org', 'A', { transport })).packet;
        assert.deepEqual([nodata.answers?.length, nodata.authorities?.length, nodata.additionals?.length], [0, 1, 1], transport);
      }
      for (const transport of ['+notcp', '+tcp']) {
        assert.match(await dig(s.port, transport, 'a.example.org', 'A'), /;; flags: qr rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1$/m);
      }
    } finally {
      await s.stop();
    }
  });
}
