import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildQuery, QType, Rcode } from '@chaindns/core';
import { decodeReply, exchangeTcp, exchangeUdp, startTestServer, type TestServer } from '@chaindns/core/testing';
import { errors, logPlugin } from '../src/index.js';
import { answer, Collector } from './helpers.js';

const corefile = `example.org {
  errors {
    consolidate 300ms "i/o timeout$" warning
  }
  log
  answer
}
. {
  errors
  log . {combined}
  answer
}
`;

let s: TestServer;
let out: Collector;
before(async () => {
  out = new Collector();
  s = await startTestServer(corefile, { plugins: [errors, logPlugin({ output: out, sink: { flushMs: 5 } }), answer] });
});
after(() => s.stop());

/** Sends one query and returns its bytes, the reply's, and the log line it produced. */
async function exchange(name: string, transport: 'udp' | 'tcp', options: { id: number; edns?: { udpSize: number; do?: boolean } }): Promise<{ query: Buffer; reply: Buffer; line: string }> {
  const before = out.lines.length;
  const query = buildQuery(name, QType.A, options);
  const reply = await (transport === 'udp' ? exchangeUdp : exchangeTcp)(s.port, query);
  const lines = await out.waitForLines(before + 1);
  return { query, reply, line: lines[before]! };
}

// CoreDNS: {remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}
test('a UDP query is logged in the common log format', async () => {
  const { query, reply, line } = await exchange('Www.Example.org', 'udp', { id: 4242, edns: { udpSize: 1232, do: true } });
  const re = new RegExp(`^\\[INFO\\] 127\\.0\\.0\\.1:(\\d+) - 4242 "A IN www\\.example\\.org\\. udp ${query.length} true 1232" NOERROR qr,aa,rd ${reply.length} (\\d+(?:\\.\\d+)?)s$`);
  const m = re.exec(line);
  assert.ok(m, line);
  assert.ok(Number(m[1]) > 0 && Number(m[1]) < 65536, 'the client port');
  assert.ok(Number(m[2]) < 1, 'the duration in seconds');
});

test('a TCP query is logged with proto tcp and a 64K buffer', async () => {
  const { query, reply, line } = await exchange('nx.example.org', 'tcp', { id: 7 });
  assert.match(line, new RegExp(`^\\[INFO\\] 127\\.0\\.0\\.1:\\d+ - 7 "A IN nx\\.example\\.org\\. tcp ${query.length} false 65535" NXDOMAIN qr,aa,rd ${reply.length} \\d+(\\.\\d+)?s$`));
});

test('{combined} adds the opcode; a slow answer shows its duration', async () => {
  const { line } = await exchange('slow.example.net', 'udp', { id: 9 });
  const m = /^\[INFO\] 127\.0\.0\.1:\d+ - 9 "A IN slow\.example\.net\. udp 34 false 512" NOERROR qr,rd \d+ (0\.\d+)s "0"$/.exec(line);
  assert.ok(m, line);
  assert.ok(Number(m[1]) >= 0.029, `took ${m[1]}s`);
});

test('errors logs a plugin error as CoreDNS; log shows the rcode the client got', async () => {
  const before = s.logs.length;
  const { reply, line } = await exchange('fail.example.net', 'udp', { id: 11 });
  assert.equal(decodeReply(reply).rcode, Rcode.SERVFAIL);
  assert.deepEqual(s.logs.slice(before), ['[ERROR] plugin/errors: 2 fail.example.net. A: read udp 127.0.0.1:11->192.0.2.53:53: i/o timeout']);
  assert.match(line, / "A IN fail\.example\.net\. udp \d+ false 512" SERVFAIL - 0 [\d.]+s "0"$/);
});

test('errors passes a crash on to the core', async () => {
  const before = s.logs.length;
  const { reply, line } = await exchange('crash.example.net', 'tcp', { id: 12 });
  assert.equal(decodeReply(reply).rcode, Rcode.SERVFAIL);
  const logged = s.logs.slice(before);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /^\[ERROR\] Recovered from error in server: "dns:\/\/:\d+" crash\.example\.net\. A: Error: boom/);
  assert.match(line, / SERVFAIL - 0 /);
});

test('errors consolidates repeats matching a REGEXP into one line per DURATION', async () => {
  const before = s.logs.length;
  const started = Date.now();
  for (let i = 0; i < 5; i++) await exchange('fail.example.org', i % 2 ? 'tcp' : 'udp', { id: 100 + i });
  const refused = await exchange('refused.example.org', 'udp', { id: 200 });
  assert.equal(decodeReply(refused.reply).rcode, Rcode.REFUSED);
  // The one that matches no pattern is logged at once; the five wait for the period's end.
  assert.deepEqual(s.logs.slice(before), ['[ERROR] plugin/errors: 5 refused.example.org. A: not allowed']);
  while (s.logs.length < before + 2 && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 10));
  assert.ok(Date.now() - started >= 290, 'not before the period ends');
  assert.deepEqual(s.logs.slice(before + 1), ["[WARNING] plugin/errors: 5 errors like 'i/o timeout$' occurred in last 300ms"]);
});

test('stop writes the lines still buffered', async () => {
  const quiet = new Collector();
  const t = await startTestServer('. {\n  log\n  answer\n}', { plugins: [logPlugin({ output: quiet, sink: { flushMs: 60_000 } }), answer] });
  await t.query('example.org', 'A');
  await t.query('example.org', 'A', { transport: 'tcp' });
  assert.equal(quiet.lines.length, 0, 'still buffered');
  await t.stop();
  assert.equal(quiet.lines.length, 2);
  assert.match(quiet.lines[1]!, /"A IN example\.org\. tcp \d+ false 65535" NOERROR qr,aa,rd \d+ /);
});
