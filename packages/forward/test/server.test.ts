import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildQuery, QType, Rcode } from '@chaindns/core';
import { decodeReply, exchangeTcp, exchangeUdp, freePort, startTestServer, startTestUpstream, type TestServer, type TestUpstream } from '@chaindns/core/testing';
import { forward } from '../src/index.js';
import { answer, answerA, metricValue, startDnsmasq } from './helpers.js';

const plugins = [forward, answer];
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});
async function server(corefile: string): Promise<TestServer> {
  const s = await startTestServer(corefile, { plugins });
  cleanups.push(() => s.stop());
  return s;
}
async function upstream(ip: string, options: { tc?: boolean } = {}): Promise<TestUpstream> {
  const u = await startTestUpstream({ handler: (_q, raw, transport) => answerA(raw, ip, { tc: options.tc === true && transport === 'udp' }) });
  cleanups.push(() => u.stop());
  return u;
}
const ipOf = (reply: { packet: { answers?: unknown[] } }): string | undefined => (reply.packet.answers?.[0] as { data?: string } | undefined)?.data;

let dnsmasq: { port: number; stop(): Promise<void> } | null = null;
before(async () => {
  dnsmasq = await startDnsmasq();
  if (dnsmasq) cleanups.push(() => dnsmasq!.stop());
});

test('dnsmasq answers come back byte for byte over UDP and TCP', async (t) => {
  if (!dnsmasq) return t.skip('dnsmasq is not installed (apt-get install dnsmasq)');
  const s = await server(`. {\n  forward . 127.0.0.1:${dnsmasq.port}\n}`);
  for (const transport of ['udp', 'tcp'] as const) {
    for (const [name, type] of [['www.Example.test', QType.A], ['example.test', QType.AAAA], ['elsewhere.org', QType.A]] as const) {
      await t.test(`${transport} ${name} ${type}`, async () => {
        const query = buildQuery(name, type, { id: 0xbeef, edns: { udpSize: 1232 } });
        const exchange = transport === 'udp' ? exchangeUdp : exchangeTcp;
        const direct = await exchange(dnsmasq!.port, query);
        const through = await exchange(s.port, query);
        assert.deepEqual(through, direct);
      });
    }
  }
  const reply = await s.query('a.example.test', 'A', { transport: 'tcp' });
  assert.equal(ipOf(reply), '127.0.0.7');
});

test('many queries share few sockets: pooled UDP, reused and pipelined TCP (dnsmasq)', async (t) => {
  if (!dnsmasq) return t.skip('dnsmasq is not installed (apt-get install dnsmasq)');
  const s = await server(`udp.test {\n  forward . 127.0.0.1:${dnsmasq.port}\n}\ntcp.test {\n  forward . 127.0.0.1:${dnsmasq.port} {\n    force_tcp\n    expire 300ms\n  }\n}`);
  const to = `127.0.0.1:${dnsmasq.port}`;
  const registry = s.server.registry;
  const misses = (proto: string): Promise<number> => metricValue(registry, 'coredns_proxy_conn_cache_misses_total', { proxy_name: 'forward', to, proto });
  for (let i = 0; i < 50; i++) assert.equal((await s.query(`q${i}.udp.test`, 'A')).rcode, Rcode.REFUSED);
  const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => s.query(`q${i}.tcp.test`, 'A')));
  assert.ok(replies.every((r) => r.rcode === Rcode.REFUSED));
  assert.equal(await misses('udp'), 1, 'one UDP socket for 50 queries');
  assert.equal(await metricValue(registry, 'coredns_proxy_conn_cache_hits_total', { proxy_name: 'forward', to, proto: 'udp' }), 49);
  assert.equal(await misses('tcp'), 1, 'one TCP connection for 20 concurrent queries, pipelined');
  await new Promise((r) => setTimeout(r, 400));
  await s.query('late.tcp.test', 'A');
  assert.equal(await misses('tcp'), 2, 'a connection idle past expire is not reused');
});

test('force_tcp against dnsmasq, which hangs up when it cannot answer: the queries behind on that connection go again on a new one', async (t) => {
  // down.test goes to a port where nothing listens: dnsmasq closes the client's connection instead of answering.
  const dm = await startDnsmasq([`--server=/down.test/127.0.0.1#${await freePort()}`]);
  if (!dm) return t.skip('dnsmasq is not installed (apt-get install dnsmasq)');
  cleanups.push(() => dm.stop());
  const s = await server(`. {\n  forward . 127.0.0.1:${dm.port} {\n    force_tcp\n  }\n}`);
  const ask = async (name: string): Promise<string> => {
    const reply = await s.query(name, 'A', { timeoutMs: 8000 });
    return `${name.split('.').slice(1).join('.')} ${reply.rcode} ${ipOf(reply) ?? '-'}`;
  };
  const expect = (name: string): string => (name.endsWith('down.test') ? `down.test ${Rcode.SERVFAIL} -` : `example.test ${Rcode.NOERROR} 127.0.0.7`);
  const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}.${i % 5 === 3 ? 'down' : 'example'}.test`);
  const sequential = names('s', 10);
  for (const name of sequential) assert.equal(await ask(name), expect(name));
  for (let round = 0; round < 3; round++) {
    const concurrent = names(`c${round}-`, 40);
    assert.deepEqual(await Promise.all(concurrent.map(ask)), concurrent.map(expect), `round ${round}`);
  }
});

test('only the question and the client\'s OPT go upstream: junk past the last record and other sections stay behind', async (t) => {
  const up = await upstream('192.0.2.1');
  const s = await server(`. {\n  forward . 127.0.0.1:${up.port}\n}`);
  // What goes out: the header (ID, RD, AD, CD), the question and the OPT, as the client sent them.
  const clean = buildQuery('www.Example.org', QType.A, { id: 0x4242, edns: { udpSize: 1232, do: true } });
  clean[3] = clean[3]! | 0x30;
  const questionEnd = clean.length - 11;
  const junkTailed = Buffer.concat([clean, randomBytes(4000)]);
  // An authority record (owner: a pointer to the question's name), before the OPT: readable, and not for the upstream.
  const authority = Buffer.from([0xc0, 12, 0, 2, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12]);
  const withAuthority = Buffer.concat([clean.subarray(0, questionEnd), authority, clean.subarray(questionEnd)]);
  withAuthority.writeUInt16BE(1, 8);
  // An answer record whose owner name is a compression pointer to itself: core answers FORMERR, nothing goes out.
  const record = Buffer.from([0xc0 | (questionEnd >> 8), questionEnd & 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 66]);
  const pointerLoop = Buffer.concat([clean.subarray(0, questionEnd), record, clean.subarray(questionEnd)]);
  pointerLoop.writeUInt16BE(1, 6);
  const cases = [
    ['4,000 bytes of junk after the OPT', junkTailed, Rcode.NOERROR],
    ['an authority record', withAuthority, Rcode.NOERROR],
    ['a pointer loop in the answer section', pointerLoop, Rcode.FORMERR],
  ] as const;
  for (const transport of ['udp', 'tcp'] as const) {
    for (const [name, query, rcode] of cases) {
      await t.test(`${transport}: ${name}`, async () => {
        const seen = up.received.length;
        const reply = decodeReply(await (transport === 'udp' ? exchangeUdp : exchangeTcp)(s.port, query));
        if (rcode === Rcode.FORMERR) {
          assert.deepEqual([reply.rcode, reply.packet.id], [Rcode.FORMERR, 0x4242]);
          assert.equal(up.received.length, seen, 'nothing went upstream');
          return;
        }
        assert.deepEqual([reply.rcode, reply.packet.id, ipOf(reply)], [Rcode.NOERROR, 0x4242, '192.0.2.1']);
        assert.equal(up.received.length, seen + 1);
        assert.deepEqual(up.received[seen]!.msg.subarray(2), clean.subarray(2));
      });
    }
  }
});

test('a truncated UDP reply is asked again over TCP with prefer_udp; otherwise the client retries over TCP', async () => {
  const up = await upstream('192.0.2.1', { tc: true });
  const s = await server(`prefer.test {\n  forward . 127.0.0.1:${up.port} {\n    prefer_udp\n  }\n}\nplain.test {\n  forward . 127.0.0.1:${up.port}\n}`);
  const transports = (from: number): string[] => up.received.slice(from).map((r) => r.transport);

  let seen = up.received.length;
  const viaTcp = await s.query('a.prefer.test', 'A', { transport: 'tcp' });
  assert.deepEqual([ipOf(viaTcp), viaTcp.packet.flags! & 0x200], ['192.0.2.1', 0]);
  assert.deepEqual(transports(seen), ['udp', 'tcp'], 'prefer_udp sends UDP first, then TCP on TC');

  seen = up.received.length;
  const truncated = await s.query('a.plain.test', 'A');
  assert.deepEqual([truncated.packet.answers?.length, truncated.packet.flags! & 0x200], [0, 0x200], 'the UDP client gets TC');
  const retried = await s.query('a.plain.test', 'A', { transport: 'tcp' });
  assert.equal(ipOf(retried), '192.0.2.1');
  assert.deepEqual(transports(seen), ['udp', 'tcp']);
});

test('several FROM zones in one block, except and next go on to the next plugin', async () => {
  const [world, corp, eng] = await Promise.all(['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((ip) => upstream(ip)));
  const s = await server(
    `. {\n  forward . 127.0.0.1:${world!.port} {\n    except local.test\n  }\n  forward corp.test 127.0.0.1:${corp!.port}\n  forward eng.corp.test 127.0.0.1:${eng!.port}\n  answer\n}`,
  );
  const cases: [string, string][] = [
    ['www.example.org', '192.0.2.1'],
    ['corp.test', '192.0.2.2'],
    ['wiki.corp.test', '192.0.2.2'],
    ['build.eng.corp.test', '192.0.2.3'],
    ['printer.local.test', '192.0.2.99'],
  ];
  for (const [name, ip] of cases) assert.equal(ipOf(await s.query(name, 'A')), ip, name);
});

test('IPv6 upstreams over UDP and TCP', async (t) => {
  let up: TestUpstream;
  try {
    up = await startTestUpstream({ address: '::1', handler: (_q, raw) => answerA(raw, '192.0.2.6') });
  } catch (err) {
    return t.skip(`no IPv6 loopback here (${(err as NodeJS.ErrnoException).code})`);
  }
  cleanups.push(() => up.stop());
  const s = await server(`. {\n  forward . [::1]:${up.port}\n}`);
  assert.equal(ipOf(await s.query('v6.example.org', 'A')), '192.0.2.6');
  assert.equal(ipOf(await s.query('v6.example.org', 'A', { transport: 'tcp' })), '192.0.2.6');
  assert.deepEqual(up.received.map((r) => r.transport), ['udp', 'tcp']);
});

test('a resolv.conf file names the upstreams', async (t) => {
  // resolv.conf has no ports: the upstream must listen on 53, here on an unused loopback address.
  const address = `127.53.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
  let up: TestUpstream;
  try {
    up = await startTestUpstream({ address, port: 53, handler: (_q, raw) => answerA(raw, '192.0.2.53') });
  } catch (err) {
    return t.skip(`cannot listen on ${address}:53 (${(err as NodeJS.ErrnoException).code}): binding port 53 needs root or CAP_NET_BIND_SERVICE`);
  }
  cleanups.push(() => up.stop());
  const file = join(mkdtempSync(join(tmpdir(), 'forward-resolv-')), 'resolv.conf');
  writeFileSync(file, `# written by the forward tests\nsearch cluster.local\nnameserver ${address}\noptions ndots:5\n`);
  const s = await server(`. {\n  forward . ${file}\n}`);
  assert.equal(ipOf(await s.query('example.org', 'A')), '192.0.2.53');
  assert.equal(up.received.length, 1);
});

test('CoreDNS metric names are exported', async () => {
  const up = await upstream('192.0.2.1');
  const s = await server(`. {\n  forward . 127.0.0.1:${up.port} {\n    max_concurrent 10\n  }\n}`);
  await s.query('example.org', 'A');
  const text = await s.server.registry.metrics();
  const to = `127.0.0.1:${up.port}`;
  for (const line of [
    `coredns_forward_requests_total{to="${to}"} 1`,
    `coredns_forward_responses_total{to="${to}",rcode="NOERROR"} 1`,
    `coredns_forward_request_duration_seconds_count{to="${to}",rcode="NOERROR"} 1`,
    `coredns_proxy_request_duration_seconds_count{proxy_name="forward",to="${to}",rcode="NOERROR"} 1`,
    `coredns_proxy_conn_cache_misses_total{proxy_name="forward",to="${to}",proto="udp"} 1`,
    'coredns_forward_healthcheck_broken_total 0',
    'coredns_forward_max_concurrent_rejects_total 0',
    '# TYPE coredns_forward_healthcheck_failures_total counter',
    '# TYPE coredns_proxy_healthcheck_failures_total counter',
    '# TYPE coredns_proxy_conn_cache_hits_total counter',
    '# TYPE coredns_forward_dropped_replies_total counter',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
});
