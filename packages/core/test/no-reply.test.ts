import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { buildQuery, definePlugin, NO_REPLY, Rcode, reply } from '../src/index.js';
import { exchangeHttps, startTestServer } from '../src/testing/index.js';

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

test('a TCP query that gets NO_REPLY is owed nothing: the connection is idle and a stop does not wait for it', async () => {
  const s = await startTestServer('.:0 {\n  unwritten none\n}', { plugins: [unwritten], drainTimeoutMs: 3000 });
  const socket = net.connect(s.port, '127.0.0.1');
  await once(socket, 'connect');
  const msg = buildQuery('none.example.', 1);
  const frame = Buffer.alloc(2 + msg.length);
  frame.writeUInt16BE(msg.length, 0);
  msg.copy(frame, 2);
  socket.write(frame);
  await new Promise((r) => setTimeout(r, 200));
  const started = performance.now();
  await s.stop();
  socket.destroy();
  assert.ok(performance.now() - started < 1500, `stop took ${Math.round(performance.now() - started)} ms`);
});

test('DNS over HTTP: a query that gets NO_REPLY is answered 500 "No response", as CoreDNS does', async () => {
  const s = await startTestServer('https://.:0 {\n  unwritten none\n}', { plugins: [unwritten] });
  try {
    const port = s.server.addresses().find((a) => a.scheme === 'https')!.port;
    const r = await exchangeHttps(port, { msg: buildQuery('none.example.', 1), protocol: 'http' });
    assert.equal(r.status, 500);
    assert.equal(r.body.toString(), 'No response\n');
  } finally {
    await s.stop();
  }
});

/** Resolves `none.example.` in process and answers with the rejection's code in a TXT record. */
const asker = definePlugin<null>({
  name: 'asker',
  parse: () => null,
  setup: (_c, ctx) => ({
    name: 'asker',
    serveDNS: (req, w) =>
      ctx.resolve('none.example.', 1, req).then(
        (msg) => (w.write(msg), 0),
        (err: { code?: string }) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: String(err.code) }] })), 0),
      ),
  }),
});

test('ctx.resolve of a query whose chain returns NO_REPLY rejects (CHAINDNS_NO_REPLY) instead of never settling', async () => {
  const s = await startTestServer('none.example.:0 {\n  unwritten none\n}\nask.example.:0 {\n  asker\n}', { plugins: [unwritten, asker] });
  try {
    const r = await s.query('ask.example.', 'A', { timeoutMs: 2000 });
    assert.deepEqual((r.packet.answers![0] as { data: Buffer[] }).data.map(String), ['CHAINDNS_NO_REPLY']);
  } finally {
    await s.stop();
  }
});
