import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { hexdump } from '@chaindns/core';
import { eventually, freePort, query } from '@chaindns/core/testing';
import { rdata, startChaindns, tempDir } from './harness.js';

// `debug` in the binary: debug lines on stdout, among them forward's dump of a reply that matches no query.

const dir = tempDir('chaindns-debug-');
let upstream: dgram.Socket;
/** The wrong-ID replies the upstream sent, in order. */
const strays: Buffer[] = [];

before(async () => {
  // An upstream that sends each answer twice: first with an ID one off (dropped), then as it should.
  upstream = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
  upstream.on('message', (msg, from) => {
    const q = dnsPacket.decode(msg);
    const answer = dnsPacket.encode({ id: q.id, type: 'response', flags: 0x8180, questions: q.questions, answers: [{ name: q.questions![0]!.name, type: 'A', ttl: 60, class: 'IN', data: '192.0.2.1' }] });
    const stray = Buffer.from(answer);
    stray.writeUInt16BE(((q.id ?? 0) + 1) & 0xffff, 0);
    strays.push(stray);
    upstream.send(stray, from.port, from.address);
    setTimeout(() => upstream.send(answer, from.port, from.address), 20);
  });
});
after(() => {
  upstream.close();
  dir.remove();
});

async function serve(debug: boolean): Promise<{ port: number; output(): string; stop(): Promise<unknown> }> {
  const port = await freePort();
  const corefile = `.:${port} {\n    bind 127.0.0.1\n${debug ? '    debug\n' : ''}    forward . 127.0.0.1:${upstream.address().port}\n}\n`;
  writeFileSync(dir.file(`Corefile.${debug}`), corefile);
  const dns = await startChaindns(['-conf', dir.file(`Corefile.${debug}`)]);
  return { port, output: dns.output, stop: () => dns.stop() };
}

test('with debug, forward logs the reply it drops with its hex dump', async (t) => {
  const dns = await serve(true);
  t.after(() => dns.stop());
  const before = strays.length;
  assert.deepEqual(rdata(await query(dns.port, 'www.example.org', 'A')), ['192.0.2.1']);
  const stray = strays[before]!;
  const line = `[DEBUG] plugin/forward: Wrong reply for id: ${stray.readUInt16BE(0)} from 127.0.0.1:${upstream.address().port} (no query in flight has it), dropped`;
  await eventually(() => assert.ok(dns.output().includes(`${line}\n${hexdump(stray)}\n`), dns.output()));
});

test('without debug, no debug line is written', async (t) => {
  const dns = await serve(false);
  t.after(() => dns.stop());
  assert.deepEqual(rdata(await query(dns.port, 'www.example.org', 'A')), ['192.0.2.1']);
  await new Promise((r) => setTimeout(r, 100));
  assert.doesNotMatch(dns.output(), /\[DEBUG\]|debug: 0000/);
});
