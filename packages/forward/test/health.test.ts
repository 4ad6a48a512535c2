import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { QType, Rcode } from '@chaindns/core';
import { freePort, startTestServer, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';
import { forward, MAX_INFLIGHT_PER_UPSTREAM } from '../src/index.js';
import { answer, answerA, metricValue, qnameOf, serverFactory } from './helpers.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
const server = serverFactory();
/** A test upstream answering `ip`; stopping it is the test's business. */
const upstream = (ip: string, port?: number): Promise<TestUpstream> => startTestUpstream({ handler: (_q, raw) => answerA(raw, ip), ...(port ? { port } : {}) });
const ipOf = (reply: { packet: { answers?: unknown[] } }): string | undefined => (reply.packet.answers?.[0] as { data?: string } | undefined)?.data;
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> => {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('when one upstream dies the other answers at once, and health checks bring the dead one back', async () => {
  const a = await upstream('192.0.2.1');
  const b = await upstream('192.0.2.2');
  cleanups.push(() => b.stop());
  const s = await server(`. {\n  forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n    policy sequential\n    max_fails 1\n    health_check 50ms\n  }\n}`);
  const registry = s.server.registry;
  const toA = `127.0.0.1:${a.port}`;
  assert.equal(ipOf(await s.query('one.example.org', 'A')), '192.0.2.1');

  // A dies: its port refuses, so the query moves on to B at once.
  await a.stop();
  const start = performance.now();
  for (let i = 0; i < 5; i++) assert.equal(ipOf(await s.query(`after${i}.example.org`, 'A')), '192.0.2.2');
  assert.ok(performance.now() - start < 1000, `failover took ${Math.round(performance.now() - start)}ms`);

  // The failed try started the health checks; two failures in a row (more than max_fails 1) mark A down: no more tries go to it.
  await until('A marked down', async () => (await metricValue(registry, 'coredns_forward_healthcheck_failures_total', { to: toA })) >= 2);
  const triesToA = await metricValue(registry, 'coredns_forward_requests_total', { to: toA });
  for (let i = 0; i < 5; i++) assert.equal(ipOf(await s.query(`down${i}.example.org`, 'A')), '192.0.2.2');
  assert.equal(await metricValue(registry, 'coredns_forward_requests_total', { to: toA }), triesToA, 'a down upstream is skipped');
  assert.equal(await metricValue(registry, 'coredns_proxy_healthcheck_failures_total', { proxy_name: 'forward', to: toA }), await metricValue(registry, 'coredns_forward_healthcheck_failures_total', { to: toA }));

  // A comes back on its port: the next health check (`. IN NS`, RD set) succeeds and queries go to A again.
  const back = await upstream('192.0.2.1', a.port);
  cleanups.push(() => back.stop());
  await until('A healthy again', async () => ipOf(await s.query('back.example.org', 'A')) === '192.0.2.1');
  const check = back.received.find((r) => qnameOf(r.msg) === '.');
  assert.ok(check, 'a health check reached A');
  assert.deepEqual([check.msg.readUInt16BE(check.msg.length - 4), check.msg[2]! & 0x01], [2, 1], '. IN NS with RD');
  assert.ok(s.logs.some((l) => l.includes(`plugin/forward: upstream ${toA} is down`)));
  assert.ok(s.logs.some((l) => l.includes(`plugin/forward: upstream ${toA} is healthy again`)));
});

test('health checks use domain and no_rec, and stop once the upstream answers', async () => {
  const port = await freePort();
  const s = await server(`. {\n  forward . 127.0.0.1:${port} {\n    health_check 50ms no_rec domain Health.Example\n  }\n}`);
  const to = `127.0.0.1:${port}`;
  // Nothing listens yet: the query is refused, which starts the health checks; they fail every 50ms.
  assert.equal((await s.query('example.org', 'A')).rcode, Rcode.SERVFAIL);
  await until('failing health checks', async () => (await metricValue(s.server.registry, 'coredns_forward_healthcheck_failures_total', { to })) >= 2);
  const up = await startTestUpstream({ port, handler: (_q, raw) => answerA(raw, '192.0.2.1') });
  cleanups.push(() => up.stop());
  const checks = (): Buffer[] => up.received.filter((r) => qnameOf(r.msg) === 'health.example.').map((r) => r.msg);
  await until('a health check', async () => checks().length > 0);
  const check = checks()[0]!;
  assert.deepEqual([check.readUInt16BE(check.length - 4), check[2]! & 0x01], [QType.NS, 0], 'NS, RD cleared by no_rec');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(checks().length, 1, 'no more health checks once healthy');
  assert.equal(ipOf(await s.query('example.org', 'A')), '192.0.2.1');
});

test('with every upstream down one is still tried at random, and the broken health check is counted', async () => {
  // Refusing at first: the failed query starts the health checks, which fail at once and mark it down.
  const port = await freePort();
  const s = await server(`. {\n  forward . 127.0.0.1:${port} {\n    max_fails 1\n    health_check 30ms\n  }\n}`);
  const registry = s.server.registry;
  const to = `127.0.0.1:${port}`;
  assert.equal((await s.query('first.example.org', 'A')).rcode, Rcode.SERVFAIL);
  await until('down', async () => (await metricValue(registry, 'coredns_forward_healthcheck_failures_total', { to })) >= 2);
  // Now it answers queries but not health checks (`. IN NS`): it stays down, and is still tried.
  const up = await startTestUpstream({ port, handler: (_q, raw) => (qnameOf(raw) === '.' ? null : answerA(raw, '192.0.2.7')) });
  cleanups.push(() => up.stop());
  assert.equal(ipOf(await s.query('random.example.org', 'A')), '192.0.2.7', 'tried although down');
  assert.equal(await metricValue(registry, 'coredns_forward_healthcheck_broken_total'), 1);
});

test('a forward pointing at its own server answers SERVFAIL at once instead of looping', async () => {
  const port = await freePort();
  const s = await startTestServer(`.:${port} {\n  forward . 127.0.0.1:${port}\n}`, { plugins: [forward] });
  cleanups.push(() => s.stop());
  const start = performance.now();
  const reply = await s.query('loop.example.org', 'A');
  assert.equal(reply.rcode, Rcode.SERVFAIL);
  assert.ok(performance.now() - start < 500);
  assert.equal(await metricValue(s.server.registry, 'coredns_forward_requests_total', { to: `127.0.0.1:${port}` }), 1, 'one query went round, once');
  assert.ok(s.logs.some((l) => l.includes('plugin/forward: forwarding loop')));
});

test("a client whose port is one of forward's own on the other transport is no loop: it is answered", async () => {
  // UDP and TCP ports are apart: a UDP client may hold the port number of forward's TCP connection, and a TCP client that of its UDP socket.
  const up = await startTestUpstream({ handler: (_q, raw) => answerA(raw, '192.0.2.8') });
  cleanups.push(() => up.stop());
  for (const [clientOver, forwardOver] of [['udp', 'tcp'], ['tcp', 'udp']] as const) {
    // The client needs forward's port number free on its own transport: another socket of the host may hold it there
    // (an ephemeral port of any TCP connection); then a new server, whose forward gets another port, is tried.
    for (let attempt = 1; ; attempt++) {
      const s = await startTestServer(`. {\n  forward . 127.0.0.1:${up.port} {\n    ${forwardOver === 'tcp' ? 'force_tcp' : 'prefer_udp'}\n  }\n}`, { plugins: [forward] });
      try {
        const seen = up.received.length;
        assert.equal(ipOf(await s.query('first.example.org', 'A')), '192.0.2.8');
        const { fromPort, transport } = up.received[seen]!;
        assert.equal(transport, forwardOver);
        let reply;
        try {
          reply = await s.query('second.example.org', 'A', { transport: clientOver, localPort: fromPort });
        } catch (err) {
          if ((err as { code?: string }).code === 'EADDRINUSE' && attempt < 5) continue;
          throw err;
        }
        assert.equal(ipOf(reply), '192.0.2.8', `a ${clientOver} client on port ${fromPort}, forward's ${forwardOver} port: rcode ${reply.rcode}`);
        assert.ok(!s.logs.some((l) => l.includes('forwarding loop')));
        break;
      } finally {
        await s.stop();
      }
    }
  }
});

test(`a loop through two server blocks stops at ${MAX_INFLIGHT_PER_UPSTREAM} queries in flight, and the server keeps answering`, async (t) => {
  const [p1, p2] = [await freePort(), await freePort()];
  const s = await startTestServer(`.:${p1} {\n  forward . 127.0.0.1:${p2}\n}\n.:${p2} {\n  forward . 127.0.0.1:${p1}\n}\nhealthy.test:${p1} {\n  answer\n}`, { plugins: [forward, answer] });
  cleanups.push(() => s.stop());
  const start = performance.now();
  const reply = await s.query('loop.example.org', 'A', { timeoutMs: 6000 });
  const took = performance.now() - start;
  assert.equal(reply.rcode, Rcode.SERVFAIL);
  const hops = (await metricValue(s.server.registry, 'coredns_forward_requests_total', { to: `127.0.0.1:${p1}` })) + (await metricValue(s.server.registry, 'coredns_forward_requests_total', { to: `127.0.0.1:${p2}` }));
  assert.ok(hops <= 2 * MAX_INFLIGHT_PER_UPSTREAM + 6, `${hops} hops`);
  assert.equal(ipOf(await s.query('www.healthy.test', 'A')), '192.0.2.99');
  await new Promise((r) => setTimeout(r, 300));
  const later = (await metricValue(s.server.registry, 'coredns_forward_requests_total', { to: `127.0.0.1:${p1}` })) + (await metricValue(s.server.registry, 'coredns_forward_requests_total', { to: `127.0.0.1:${p2}` }));
  assert.equal(later, hops, 'the loop has stopped');
  t.diagnostic(`two-block loop: one query made ${hops} hops and got SERVFAIL after ${Math.round(took)}ms`);
});
