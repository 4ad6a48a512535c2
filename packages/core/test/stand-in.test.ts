import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '../src/index.js';
import { standIn, startTestServer } from '../src/testing/index.js';

test('standIn answers every query under its directive: one A 192.0.2.1 by default, else what it is given, with its rcode', async () => {
  const s = await startTestServer('a.example {\n  whoami\n}\nb.example {\n  answer\n}\n', {
    plugins: [standIn('whoami'), standIn('answer', (req) => ({ rcode: Rcode.NXDOMAIN, authorities: [{ name: req.qnameRaw, type: 'TXT', ttl: 5, data: req.transport }] }))],
  });
  try {
    const a = await s.query('x.a.example', 'AAAA');
    assert.equal(a.rcode, Rcode.NOERROR);
    assert.deepEqual(a.packet.answers?.map((r) => { const { name, type, ttl, data } = r as { name: string; type: string; ttl?: number; data?: unknown }; return [name, type, ttl, data]; }), [['x.a.example', 'A', 0, '192.0.2.1']]);
    const b = await s.query('x.b.example', 'A', { transport: 'tcp' });
    assert.equal(b.rcode, Rcode.NXDOMAIN);
    assert.deepEqual(b.packet.authorities?.map((r) => (r as { data?: Buffer[] }).data?.map(String)), [['tcp']]);
  } finally {
    await s.stop();
  }
});
