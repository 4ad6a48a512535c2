import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { definePlugin, QType, reply, setId } from '@chaindns/core';
import { startTestServer, type TestServer } from '@chaindns/core/testing';
import { loadbalance } from '../src/index.js';
import { ipv4, MessageBuilder } from './wire.js';

/**
 * `stored`: answers web.example.org A from bytes built once, with compression
 * pointers, copying them per query and patching the ID, as a cache hit does;
 * and example.org MX through reply() (dns-packet).
 */
const stored = definePlugin<null>({
  name: 'stored',
  parse: () => null,
  setup() {
    const b = new MessageBuilder(0x8580);
    const q = b.question('web.example.org', QType.A);
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) b.record(1, q, QType.A, ipv4(ip));
    const bytes = b.build();
    return {
      name: 'stored',
      serveDNS(req, w) {
        if (req.qtype === QType.MX) {
          const answers = [10, 20, 30].map((p) => ({ name: req.qnameRaw, type: 'MX' as const, ttl: 60, data: { preference: p, exchange: `mx${p}.example.org` } }));
          w.write(reply(req, { answers }));
          return 0;
        }
        const msg = Buffer.from(bytes);
        setId(msg, req.id);
        w.write(msg);
        return 0;
      },
    };
  },
});

let s: TestServer;
before(async () => {
  s = await startTestServer('. {\n  loadbalance round_robin\n  stored\n}', { plugins: [loadbalance, stored] });
});
after(() => s.stop());

for (const transport of ['udp', 'tcp'] as const) {
  test(`answers come back in different orders across queries over ${transport}`, async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const got = await s.query('web.example.org', 'A', { transport });
      const data = (got.packet.answers ?? []).map((a) => (a as { data: string }).data);
      assert.deepEqual([...data].sort(), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
      orders.add(data.join(','));
    }
    assert.ok(orders.size >= 8, `${orders.size} distinct orders in 40 queries`);

    const mxOrders = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const got = await s.query('example.org', 'MX', { transport });
      mxOrders.add((got.packet.answers ?? []).map((a) => (a as { data: { preference: number } }).data.preference).join(','));
    }
    assert.ok(mxOrders.size >= 3, `${mxOrders.size} distinct MX orders in 20 queries`);
  });
}
