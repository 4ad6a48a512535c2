import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { dgramTransport, EndpointSet, PluginError, Rcode, Registry, silentLogger } from '@chaindns/core';
import { makeRequest, netnsUnavailable, runInNetns, serveWith, startTestUpstream, testUdpTransport } from '@chaindns/core/testing';
import { UpstreamError } from '../src/channel.js';
import { createForward } from '../src/index.js';
import { OwnEndpoints } from '../src/own-endpoints.js';
import { UdpConn } from '../src/udp-conn.js';
import { answerA, parseForward } from './helpers.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const netns = netnsUnavailable();

test('an unreachable upstream (a network namespace without routes) is a failed try: next upstream, then SERVFAIL, never a crash', { skip: netns ?? false }, async () => {
  const script = new URL('./unreachable-server.js', import.meta.url).pathname;
  const run = await runInNetns(process.execPath, [script], { timeoutMs: 30_000 });
  assert.equal(run.code, 0, `the server process died:\n${run.stderr}`);
  const { results } = JSON.parse(run.stdout) as { results: Record<string, { rcode: number; ip: string | null; ms: number }> };
  for (const transport of ['udp', 'tcp']) {
    const only = results[`${transport} only.test`]!;
    assert.equal(only.rcode, Rcode.SERVFAIL, `${transport}: the only upstream is unreachable`);
    assert.ok(only.ms < 2000, `${transport}: SERVFAIL after ${only.ms}ms, not after a timeout`);
    const next = results[`${transport} next.test`]!;
    assert.deepEqual([next.rcode, next.ip], [Rcode.NOERROR, '192.0.2.7'], `${transport}: the next upstream answers`);
  }
});

// The kernel refuses to send to the broadcast address from a socket without SO_BROADCAST (EACCES): an unroutable destination on any machine.
const UNROUTABLE = '255.255.255.255';

test('a UDP socket whose upstream cannot be reached fails its queries with an UpstreamError', async (t) => {
  const native = testUdpTransport();
  for (const udp of native ? [dgramTransport(silentLogger), native] : [dgramTransport(silentLogger)]) {
    await t.test(udp.name, async () => {
      const conn = new UdpConn({ host: UNROUTABLE, port: 53, family: 4, addr: `${UNROUTABLE}:53`, own: new OwnEndpoints(new EndpointSet()), tls: null }, udp, () => {});
      cleanups.push(() => conn.close());
      const query = makeRequest('example.org', 'A').msg;
      const failed = new Promise((resolve, reject) => conn.exchange({ query, questionEnd: query.length, anyReply: false, timeoutMs: 0, deadline: 0, answer: resolve, fail: reject }, 1000));
      await assert.rejects(failed, (err: unknown) => err instanceof UpstreamError && /EACCES/.test(err.message));
      assert.ok(conn.closed, 'the socket is closed, so the pool opens another');
    });
  }
});

test('an unroutable upstream is skipped for the next one, and alone gives SERVFAIL at once', async () => {
  const good = await startTestUpstream({ handler: (_q, raw) => answerA(raw, '192.0.2.1') });
  cleanups.push(() => good.stop());
  const make = (corefile: string) => {
    const h = createForward(parseForward(`. {\n${corefile}\n}`), { registry: new Registry(), log: silentLogger, outbound: new EndpointSet(), udp: testUdpTransport() ?? dgramTransport(silentLogger) });
    cleanups.push(() => h.close());
    return h;
  };
  const both = make(`forward . ${UNROUTABLE} 127.0.0.1:${good.port} {\n policy sequential\n}`);
  for (const transport of ['udp', 'tcp'] as const) {
    const { rcode, recorder } = await serveWith(both, makeRequest('example.org', 'A', { transport }));
    assert.deepEqual([rcode, (recorder.packet().answers?.[0] as { data: string }).data], [Rcode.NOERROR, '192.0.2.1'], transport);
  }
  const alone = make(`forward . ${UNROUTABLE}`);
  const start = performance.now();
  await assert.rejects(Promise.resolve(serveWith(alone, makeRequest('example.org', 'A'))), (err: unknown) => err instanceof PluginError && err.rcode === Rcode.SERVFAIL);
  assert.ok(performance.now() - start < 1000, 'failed at once');
});
