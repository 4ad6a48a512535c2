import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, test } from 'node:test';
import { buildQuery, createLogger, EndpointSet, hexdump, type Logger, PluginError, QType, Rcode, Registry, type Request, type ResponseWriter, silentLogger } from '@chaindns/core';
import { freePort, makeRequest, Recorder, serveWith, startTestUpstream, type TestUpstream, testUdpTransport, type UpstreamHandler } from '@chaindns/core/testing';
import { sameQuestion } from '../src/channel.js';
import { createForward, type ForwardHandler, MAX_INFLIGHT_PER_UPSTREAM } from '../src/index.js';
import { makeOrder } from '../src/policy.js';
import { answerA, metricValue, parseForward, qnameOf } from './helpers.js';

const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function upstream(handler: UpstreamHandler): Promise<TestUpstream> {
  const u = await startTestUpstream({ handler });
  cleanups.push(() => u.stop());
  return u;
}

function handlerFor(corefile: string, log: Logger = silentLogger): { h: ForwardHandler; registry: Registry } {
  const registry = new Registry();
  // The transport test servers get (the native one in the native pass), so these run on both.
  const udp = testUdpTransport();
  const h = createForward(parseForward(`. {\n${corefile}\n}`), { registry, log, outbound: new EndpointSet(), ...(udp ? { udp } : {}) });
  cleanups.push(() => h.close());
  return { h, registry };
}

/** The `next` of these tests: answers TXT "next" so a test sees the query went on. */
const nextPlugin = (req: Request, w: ResponseWriter): number => {
  w.write(answerA(req.msg, '192.0.2.99'));
  return 0;
};

test('the question and OPT go upstream as the client sent them, with a fresh ID, and the reply comes back byte for byte with the client ID', async (t) => {
  const u = await upstream((_q, raw) => {
    const reply = answerA(raw, '192.0.2.1', { ttl: 12345 });
    reply[2] = reply[2]! | 0x04; // AA, as an authoritative upstream sets it
    return reply;
  });
  const { h } = handlerFor(`forward . 127.0.0.1:${u.port}`);
  for (const transport of ['udp', 'tcp'] as const) {
    await t.test(transport, async () => {
      const seen = u.received.length;
      const req = makeRequest('Mixed.Case.Example.ORG', 'A', { transport, id: 0x1234, edns: { udpSize: 1232, do: true } });
      const { rcode, recorder } = await serveWith(h, req);
      assert.equal(rcode, Rcode.NOERROR);
      const sent = u.received[seen]!;
      assert.equal(sent.transport, transport);
      assert.notEqual(sent.msg.readUInt16BE(0), 0x1234, 'a fresh ID upstream');
      assert.deepEqual(sent.msg.subarray(2), req.msg.subarray(2), 'the client bytes after the ID (its question and OPT)');
      const expected = answerA(sent.msg, '192.0.2.1', { ttl: 12345 });
      expected[2] = expected[2]! | 0x04;
      expected.writeUInt16BE(0x1234, 0);
      assert.deepEqual(recorder.msg, expected);
    });
  }
});

test('each try gets its own random ID, whatever ID the clients chose', async () => {
  const u = await upstream((_q, raw) => answerA(raw, '192.0.2.1'));
  const { h } = handlerFor(`forward . 127.0.0.1:${u.port}`);
  await Promise.all(Array.from({ length: 50 }, () => serveWith(h, makeRequest('example.org', 'A', { id: 7 }))));
  const ids = new Set(u.received.map((r) => r.msg.readUInt16BE(0)));
  assert.ok(ids.size >= 48, `${ids.size} distinct IDs for 50 queries`);
});

test('replies with a wrong ID or a wrong question are dropped and counted; the real one is taken', async () => {
  // A hostile upstream: for each query, first a wrong ID, a wrong name, a wrong type and a wrong class, then the answer (its name in other letter case).
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  const socketReplies: Buffer[] = [];
  socket.on('message', (q, from) => {
    const send = (m: Buffer): void => {
      socketReplies.push(m);
      socket.send(m, from.port, from.address);
    };
    const wrongId = answerA(q, '192.0.2.66');
    wrongId.writeUInt16BE((q.readUInt16BE(0) + 1) & 0xffff, 0);
    send(wrongId);
    const wrongName = answerA(buildQuery('evil.example.org', QType.A, { id: q.readUInt16BE(0) }), '192.0.2.66');
    send(wrongName);
    const wrongType = answerA(q, '192.0.2.66');
    wrongType.writeUInt16BE(QType.AAAA, q.length - 4);
    send(wrongType);
    const wrongClass = answerA(q, '192.0.2.66');
    wrongClass.writeUInt16BE(3, q.length - 2);
    send(wrongClass);
    const notAResponse = Buffer.from(q);
    send(notAResponse);
    setTimeout(() => {
      const real = answerA(q, '192.0.2.1');
      real.write('EXAMPLE', 13, 'latin1');
      send(real);
    }, 30);
  });
  const lines: string[] = [];
  const { h, registry } = handlerFor(`forward . 127.0.0.1:${socket.address().port}`, createLogger({ sink: (l) => lines.push(l), debug: true }).child('plugin/forward'));
  const { rcode, recorder } = await serveWith(h, makeRequest('example.org', 'A', { id: 99 }));
  assert.equal(rcode, Rcode.NOERROR);
  assert.equal(recorder.msg!.readUInt16BE(0), 99);
  assert.deepEqual((recorder.packet().answers![0] as { data: string }).data, '192.0.2.1');
  const to = `127.0.0.1:${socket.address().port}`;
  assert.equal(await metricValue(registry, 'coredns_forward_dropped_replies_total', { to, reason: 'id' }), 1);
  assert.equal(await metricValue(registry, 'coredns_forward_dropped_replies_total', { to, reason: 'question' }), 4);
  // With debug on, each dropped reply is dumped as CoreDNS's debug plugin dumps messages (text2pcap reads them back).
  assert.equal(lines.length, 5, lines.join('\n'));
  const [first] = lines;
  const wrongId = socketReplies[0]!;
  assert.equal(first, [`[DEBUG] plugin/forward: Wrong reply for id: ${wrongId.readUInt16BE(0)} from ${to} (no query in flight has it), dropped`, hexdump(wrongId)].join('\n'));
  assert.match(lines[1]!, /^\[DEBUG\] plugin\/forward: Wrong reply for id: \d+ from [\d.:]+ \(another question\), dropped\ndebug: 000000 /);
});

test('sameQuestion compares the name without case, type and class exactly', () => {
  const q = buildQuery('a.Example.org', QType.A);
  const end = q.length;
  const reply = (name: string, type: number = QType.A, patch?: (b: Buffer) => void): Buffer => {
    const r = buildQuery(name, type);
    r[2] = r[2]! | 0x80;
    patch?.(r);
    return r;
  };
  const cases: [string, Buffer, boolean][] = [
    ['same', reply('a.Example.org'), true],
    ['other case', reply('A.EXAMPLE.ORG'), true],
    ['other name', reply('b.example.org'), false],
    ['longer name', reply('a.example.orgx'), false],
    ['other type', reply('a.example.org', QType.AAAA), false],
    ['type 0x41 vs 0x61 is not a letter', reply('a.example.org', 0x61), false],
    ['not a response', reply('a.example.org', QType.A, (b) => (b[2] = b[2]! & 0x7f)), false],
    ['no question', reply('a.example.org', QType.A, (b) => b.writeUInt16BE(0, 4)), false],
    ['too short', reply('a.example.org').subarray(0, end - 1), false],
    ['"[" is not "{"', reply('a.example.or['), false],
  ];
  const typed = buildQuery('a.example.org', 0x41);
  assert.equal(sameQuestion(reply('a.example.org', 0x61), typed, typed.length), false);
  for (const [name, r, want] of cases) assert.equal(sameQuestion(r, name.startsWith('"[') ? buildQuery('a.example.or{', QType.A) : q, end), want, name);
});

test('policies order the upstreams as CoreDNS does', () => {
  const list = ['a', 'b', 'c'];
  assert.deepEqual(makeOrder('sequential')(list), list);
  const rr = makeOrder('round_robin');
  assert.deepEqual([rr(list), rr(list), rr(list), rr(list)], [['b', 'a', 'c'], ['c', 'a', 'b'], list, ['b', 'a', 'c']]);
  const random = makeOrder('random');
  const firsts = new Set(Array.from({ length: 200 }, () => random(list)[0]));
  assert.equal(firsts.size, 3);
  assert.deepEqual([...random(list)].sort(), list);
});

test('the most specific FROM wins; except and next rcodes go on to the next stanza, then the next plugin', async () => {
  const upstreams = await Promise.all(['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((ip) => upstream((_q, raw) => (ip === '192.0.2.3' && qnameOf(raw).startsWith('nx.') ? answerA(raw, ip, { rcode: Rcode.NXDOMAIN }) : answerA(raw, ip)))));
  const [root, org, sub] = upstreams.map((u) => u!.port);
  const { h } = handlerFor(`forward . 127.0.0.1:${root} {\n except skip.example\n}\nforward sub.example.org 127.0.0.1:${sub} {\n except private.sub.example.org\n next NXDOMAIN\n}\nforward example.org 127.0.0.1:${org}`);
  const cases: [string, string][] = [
    ['www.example.net', '192.0.2.1'],
    ['example.org', '192.0.2.2'],
    ['www.example.org', '192.0.2.2'],
    ['sub.example.org', '192.0.2.3'],
    ['a.b.sub.example.org', '192.0.2.3'],
    ['private.sub.example.org', '192.0.2.2'],
    ['nx.sub.example.org', '192.0.2.2'],
    ['skip.example', '192.0.2.99'],
    ['a.skip.example', '192.0.2.99'],
  ];
  for (const [name, ip] of cases) {
    const { recorder } = await serveWith(h, makeRequest(name, 'A'), nextPlugin);
    assert.equal((recorder.packet().answers?.[0] as { data: string } | undefined)?.data, ip, name);
  }
  // The last stanza passing NXDOMAIN on reaches the next plugin.
  const { h: alone } = handlerFor(`forward . 127.0.0.1:${sub} {\n next NXDOMAIN\n}`);
  const { recorder } = await serveWith(alone, makeRequest('nx.example.com', 'A'), nextPlugin);
  assert.equal((recorder.packet().answers?.[0] as { data: string }).data, '192.0.2.99');
});

test('failover rcodes try the next upstream', async () => {
  const bad = await upstream((_q, raw) => answerA(raw, '0.0.0.0', { rcode: Rcode.SERVFAIL }));
  const good = await upstream((_q, raw) => answerA(raw, '192.0.2.1'));
  const { h } = handlerFor(`forward . 127.0.0.1:${bad.port} 127.0.0.1:${good.port} {\n policy sequential\n failover SERVFAIL\n}`);
  const { rcode } = await serveWith(h, makeRequest('example.org', 'A'));
  assert.equal(rcode, Rcode.NOERROR);
  assert.equal(bad.received.length, 1);
  // When every upstream gives a failover rcode, the last reply goes out.
  const { h: allBad } = handlerFor(`forward . 127.0.0.1:${bad.port} 127.0.0.1:${bad.port} {\n failover SERVFAIL\n}`);
  const last = await serveWith(allBad, makeRequest('example.org', 'A'));
  assert.deepEqual([last.rcode, last.recorder.rcode], [Rcode.SERVFAIL, Rcode.SERVFAIL]);
  assert.equal(bad.received.length, 3);
  const { h: without } = handlerFor(`forward . 127.0.0.1:${bad.port} 127.0.0.1:${good.port} {\n policy sequential\n}`);
  assert.equal((await serveWith(without, makeRequest('example.org', 'A'))).rcode, Rcode.SERVFAIL);
});

test('a query caught by the upstream closing a reused TCP connection is sent again on a new one', async () => {
  // One answer per connection: the second query on a connection makes the server hang up.
  let connections = 0;
  const tcp = net.createServer((socket) => {
    connections++;
    let queries = 0;
    socket.on('data', (chunk: Buffer) => {
      if (++queries > 1) return void socket.destroy();
      const out = answerA(chunk.subarray(2), '192.0.2.1');
      socket.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  const to = `127.0.0.1:${(tcp.address() as net.AddressInfo).port}`;
  const { h, registry } = handlerFor(`forward . ${to} {\n force_tcp\n}`);
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    assert.equal((await serveWith(h, makeRequest(`q${i}.example.org`, 'A'))).rcode, Rcode.NOERROR);
    assert.ok(performance.now() - start < 1000);
  }
  // Within the same try: no failed try, so no health check connection either.
  assert.equal(await metricValue(registry, 'coredns_forward_requests_total', { to }), 3);
  assert.equal(connections, 3);
});

test('an upstream that closes the connection after each answer: every query, one at a time or many at once, goes again on a new connection until answered', async () => {
  // Reads every query the client pipelines, answers the first, then hangs up (as a server with one query per connection).
  let connections = 0;
  const tcp = net.createServer((socket) => {
    connections++;
    socket.once('data', (chunk: Buffer) => {
      const out = answerA(chunk.subarray(2, 2 + chunk.readUInt16BE(0)), '192.0.2.1');
      socket.end(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  const to = `127.0.0.1:${(tcp.address() as net.AddressInfo).port}`;
  const { h, registry } = handlerFor(`forward . ${to} {\n force_tcp\n}`);
  const ask = (name: string) => serveWith(h, makeRequest(name, 'A')).then(({ rcode, recorder }) => `${name} ${rcode} ${qnameOf(recorder.msg!)}`);
  for (let i = 0; i < 5; i++) assert.equal(await ask(`s${i}.example.org`), `s${i}.example.org ${Rcode.NOERROR} s${i}.example.org.`);
  const names = Array.from({ length: 20 }, (_, i) => `c${i}.example.org`);
  const start = performance.now();
  assert.deepEqual(await Promise.all(names.map(ask)), names.map((n) => `${n} ${Rcode.NOERROR} ${n}.`));
  assert.ok(performance.now() - start < 1500, `answered within one try (${Math.round(performance.now() - start)}ms)`);
  // Each query counted once: going again on a new connection is part of its try, not a failed one.
  assert.equal(await metricValue(registry, 'coredns_forward_requests_total', { to }), 25);
  assert.ok(connections >= 25, `${connections} connections`);
});

test('a connection the upstream closes before answering anything is a failed try, not sent again on it', async () => {
  let connections = 0;
  const tcp = net.createServer((socket) => {
    connections++;
    socket.once('data', () => socket.destroy());
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  const to = `127.0.0.1:${(tcp.address() as net.AddressInfo).port}`;
  const { h, registry } = handlerFor(`forward . ${to} {\n force_tcp\n max_fails 0\n}`);
  const start = performance.now();
  await assert.rejects(Promise.resolve(h.serveDNS(makeRequest('example.org', 'A'), new Recorder(), () => 0)), (err: unknown) => err instanceof PluginError && err.rcode === Rcode.SERVFAIL && /connection closed/.test(err.message));
  assert.ok(performance.now() - start < 1000, 'failed at once');
  // Three tries (ROUNDS), one connection each.
  assert.equal(await metricValue(registry, 'coredns_forward_requests_total', { to }), 3);
  assert.equal(connections, 3);
});

test('the sockets forward opens are in the server\'s outbound set while they are open', async () => {
  const froms: { address: string; port: number }[] = [];
  const udp = dgram.createSocket('udp4');
  udp.on('message', (q, from) => (froms.push(from), udp.send(answerA(q, '192.0.2.1'), from.port, from.address)));
  // Port 0 would give a UDP port whose TCP twin may be taken (EADDRINUSE on a busy machine).
  const port = await freePort();
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => udp.close(() => resolve())));
  const tcp = net.createServer((socket) => {
    froms.push({ address: socket.remoteAddress!, port: socket.remotePort! });
    socket.on('data', (chunk: Buffer) => {
      const out = answerA(chunk.subarray(2), '192.0.2.1');
      socket.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
    });
  });
  await new Promise<void>((resolve) => tcp.listen(udp.address().port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  const outbound = new EndpointSet();
  const h = createForward(parseForward(`. {\nforward . 127.0.0.1:${udp.address().port}\n}`), { registry: new Registry(), log: silentLogger, outbound });
  for (const transport of ['udp', 'tcp'] as const) assert.equal((await serveWith(h, makeRequest('example.org', 'A', { transport }))).rcode, Rcode.NOERROR);
  assert.equal(froms.length, 2);
  assert.deepEqual(froms.map((f, i) => outbound.has(i === 0 ? 'udp' : 'tcp', f)), [true, true]);
  assert.deepEqual(froms.map((f, i) => outbound.has(i === 0 ? 'tcp' : 'udp', f)), [false, false], 'each on its own transport');
  h.close();
  assert.deepEqual(froms.map((f, i) => outbound.has(i === 0 ? 'udp' : 'tcp', f)), [false, false]);
});

test('max_concurrent answers REFUSED past the limit and counts it', async () => {
  const slow = await upstream((_q, raw) => new Promise((resolve) => setTimeout(() => resolve(answerA(raw, '192.0.2.1')), 200)));
  const { h, registry } = handlerFor(`forward . 127.0.0.1:${slow.port} {\n max_concurrent 2\n}`);
  const results = await Promise.all(
    Array.from({ length: 5 }, () =>
      serveWith(h, makeRequest('example.org', 'A')).then(
        (r) => r.rcode,
        (err: unknown) => (err instanceof PluginError ? err.rcode : -1),
      ),
    ),
  );
  assert.deepEqual(results.sort(), [Rcode.NOERROR, Rcode.NOERROR, Rcode.REFUSED, Rcode.REFUSED, Rcode.REFUSED]);
  assert.equal(await metricValue(registry, 'coredns_forward_max_concurrent_rejects_total'), 3);
  // The slots free up once the answers are in.
  assert.equal((await serveWith(h, makeRequest('example.org', 'A'))).rcode, Rcode.NOERROR);
});

test(`an upstream takes at most ${MAX_INFLIGHT_PER_UPSTREAM} queries in flight; past that a try fails at once`, async () => {
  const silent = await upstream(() => null);
  const { h } = handlerFor(`forward . 127.0.0.1:${silent.port}`);
  const waiting = Array.from({ length: MAX_INFLIGHT_PER_UPSTREAM }, (_, i) => Promise.resolve(h.serveDNS(makeRequest(`q${i}.example.org`, 'A'), new Recorder(), () => 0)).catch((e: unknown) => e));
  await new Promise((r) => setTimeout(r, 100));
  const start = performance.now();
  await assert.rejects(Promise.resolve(h.serveDNS(makeRequest('one-more.example.org', 'A'), new Recorder(), () => 0)), /queries already in flight/);
  assert.ok(performance.now() - start < 500, 'failed at once');
  h.close();
  const errors = await Promise.all(waiting);
  assert.ok(errors.every((e) => e instanceof PluginError && e.rcode === Rcode.SERVFAIL));
  assert.ok(silent.received.length <= MAX_INFLIGHT_PER_UPSTREAM);
});

test('with every upstream down, failfast_all_unhealthy_upstreams answers SERVFAIL without sending', async () => {
  const dead = await startTestUpstream({ handler: () => null });
  await dead.stop();
  const { h, registry } = handlerFor(`forward . 127.0.0.1:${dead.port} {\n max_fails 1\n health_check 20ms\n failfast_all_unhealthy_upstreams\n}`);
  const to = `127.0.0.1:${dead.port}`;
  await assert.rejects(Promise.resolve(h.serveDNS(makeRequest('example.org', 'A'), new Recorder(), () => 0)), PluginError);
  // Refused at once; two failed health checks (more than max_fails 1) mark it down.
  while ((await metricValue(registry, 'coredns_forward_healthcheck_failures_total', { to })) < 2) await new Promise((r) => setTimeout(r, 10));
  const sent = await metricValue(registry, 'coredns_forward_requests_total', { to });
  const err = await Promise.resolve(h.serveDNS(makeRequest('example.org', 'A'), new Recorder(), () => 0)).catch((e: unknown) => e);
  assert.ok(err instanceof PluginError && err.rcode === Rcode.SERVFAIL);
  assert.equal(await metricValue(registry, 'coredns_forward_requests_total', { to }), sent, 'nothing sent');
  assert.equal(await metricValue(registry, 'coredns_forward_healthcheck_broken_total'), 1);
});

test('upstreams() (the upstreams capability, for the dashboard): each upstream with its counts, and down once its health checks fail', async () => {
  const u = await upstream((_q, raw) => answerA(raw, '192.0.2.1'));
  const dead = await startTestUpstream({ handler: () => null });
  const deadPort = dead.port;
  await dead.stop();
  const { h } = handlerFor(`forward example.org 127.0.0.1:${u.port}\nforward . 127.0.0.1:${deadPort} {\n  max_fails 1\n  health_check 20ms\n}`);
  for (let i = 0; i < 3; i++) await serveWith(h, makeRequest(`q${i}.example.org`, 'A'));
  const before = h.upstreams();
  assert.deepEqual(
    before.map((s) => [s.from, s.to, s.protocol, s.down, s.inflight, s.requests, s.responses]),
    [
      ['example.org.', `127.0.0.1:${u.port}`, 'dns', false, 0, 3, 3],
      ['.', `127.0.0.1:${deadPort}`, 'dns', false, 0, 0, 0],
    ],
  );
  assert.ok(before[0]!.rttSeconds > 0 && before[0]!.rttSeconds < 3);
  // A query to the dead one fails (its port refuses); the health checks that follow mark it down.
  await assert.rejects(Promise.resolve(h.serveDNS(makeRequest('www.example.net', 'A'), new Recorder(), nextPlugin)));
  const end = performance.now() + 5000;
  while (!h.upstreams()[1]!.down && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
  const after = h.upstreams()[1]!;
  assert.equal(after.down, true);
  assert.ok(after.fails >= 2, `${after.fails} health checks failed`);
});
