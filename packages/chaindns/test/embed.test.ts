import assert from 'node:assert/strict';
import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { definePlugin, reply, silentLogger } from '@chaindns/core';
import { query } from '@chaindns/core/testing';
import { createServer, DEFAULT_COREFILE, start } from '../src/index.js';

test('with no Corefile it serves whoami on the root zone, as CoreDNS does', async () => {
  assert.match(DEFAULT_COREFILE, /whoami/);
  const server = await start({ dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger: silentLogger });
  try {
    const r = await query(server.addresses()[0]!.port, 'anything.example', 'A');
    assert.equal((r.packet.additionals?.[0] as { data: string }).data, '127.0.0.1');
  } finally {
    await server.stop();
  }
});

test('a Corefile given as an object, and a third-party plugin given as a value', async () => {
  const greet = definePlugin<string>({
    name: 'greet',
    order: { before: 'whoami' },
    parse: (d) => d.args[0]?.text ?? 'hello',
    setup: (text) => ({ name: 'greet', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: text }] })), 0) }),
  });
  const server = createServer({
    corefile: { config: { servers: [{ zones: ['example.org'], port: 0, plugins: [['bind', '127.0.0.1'], ['greet', 'hi there']] }] } },
    plugins: [greet],
    logger: silentLogger,
  });
  await server.start();
  try {
    const msg = await server.query('Example.org', 'TXT');
    const txt = dnsPacket.decode(msg).answers?.[0] as { data: Buffer[] };
    assert.equal(txt.data[0]!.toString(), 'hi there');
    const viaSocket = await query(server.addresses()[0]!.port, 'example.org', 'TXT');
    assert.equal(viaSocket.rcode, 0);
  } finally {
    await server.stop();
  }
});

test('start() takes a console as its logger', async () => {
  const stdout = new PassThrough();
  let printed = '';
  stdout.on('data', (d: Buffer) => (printed += d.toString()));
  const server = await start({ dnsPort: 0, defaultAddresses: ['127.0.0.1'], udp: 'dgram', logger: new Console({ stdout }) });
  try {
    assert.equal((await query(server.addresses()[0]!.port, 'example.org', 'A')).rcode, 0);
    assert.match(printed, /^dns:\/\/:\d+ on 127\.0\.0\.1:\d+ \(udp: dgram, tcp: node:net\)$/m);
  } finally {
    await server.stop();
  }
});
