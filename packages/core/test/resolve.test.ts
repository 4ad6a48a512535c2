import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { definePlugin, MAX_RESOLVE_HOPS, rcodeOf, reply, type Request, type SetupContext } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

/**
 * A plugin that answers every name with a CNAME to itself and looks the name
 * up through the server (as template's and kubernetes' CNAME targets are):
 * a lookup that loops. It records the hops of every query it sees.
 */
function selfLookup(seen: number[]) {
  return definePlugin<null>({
    name: 'selfcname',
    parse: () => null,
    setup: (_c, ctx: SetupContext) => ({
      name: 'selfcname',
      async serveDNS(req: Request, w) {
        seen.push(req.hops);
        const inner = await ctx.resolve(req.qname, req.qtype, req);
        const answers = [{ name: req.qname, type: 'CNAME' as const, ttl: 5, data: req.qname }, ...(rcodeOf(inner) === 0 ? (dnsPacket.decode(inner).answers ?? []) : [])];
        w.write(reply(req, { answers }));
        return 0;
      },
    }),
  });
}

test('resolve: a lookup that leads back to itself ends after MAX_RESOLVE_HOPS with SERVFAIL', async () => {
  const seen: number[] = [];
  const s = await startTestServer('. {\n selfcname\n}', { plugins: [selfLookup(seen)] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      seen.length = 0;
      const { packet, rcode } = await s.query('loop.example', 'A', { transport, timeoutMs: 2000 });
      assert.equal(rcode, 0);
      // The client's query (hops 0), then MAX_RESOLVE_HOPS lookups; the one after is answered SERVFAIL before any chain runs.
      assert.deepEqual(seen, Array.from({ length: MAX_RESOLVE_HOPS + 1 }, (_, i) => i));
      assert.equal(packet.answers?.length, MAX_RESOLVE_HOPS + 1);
    }
  } finally {
    await s.stop();
  }
});
