import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, NO_REPLY, Rcode } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

/** Returns what its argument says, writing nothing. */
const unwritten = definePlugin<number>({
  name: 'unwritten',
  parse: (d) => (d.args[0]?.text === 'none' ? NO_REPLY : Rcode.NOERROR),
  setup: (rcode) => ({ name: 'unwritten', serveDNS: () => rcode }),
});

test('a chain that returns NO_REPLY unwritten gets no reply; NOERROR unwritten gets SERVFAIL', async () => {
  const s = await startTestServer('none.example. {\n  unwritten none\n}\nsuccess.example. {\n  unwritten\n}', { plugins: [unwritten] });
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      await assert.rejects(s.query('none.example.', 'A', { transport, timeoutMs: 300 }), /no (UDP|TCP) reply/);
      assert.equal((await s.query('success.example.', 'A', { transport })).rcode, Rcode.SERVFAIL);
    }
  } finally {
    await s.stop();
  }
});
