import assert from 'node:assert/strict';
import { test } from 'node:test';
import { standIn, startTestServer } from '@chaindns/core/testing';
import { bind } from '../src/index.js';

const answer = standIn('answer', (req) => ({ answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: req.server }] }));

test('bind listens on exactly the addresses it names, IPv4 and IPv6', async () => {
  const s = await startTestServer('. {\n  bind 127.0.0.1 ::1\n  answer\n}', { plugins: [bind, answer] });
  try {
    const addresses = s.server.addresses().map((a) => a.address).sort();
    assert.deepEqual(addresses, ['127.0.0.1', '::1']);
    for (const address of ['127.0.0.1', '::1']) {
      const got = await s.query('example.org', 'TXT', { address });
      const txt = (got.packet.answers?.[0] as { data: Buffer[] }).data[0]!.toString();
      assert.equal(txt, address.includes(':') ? `dns://[${address}]:${s.port}` : `dns://${address}:${s.port}`);
    }
  } finally {
    await s.stop();
  }
});
