import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@chaindns/core';
import { query } from '@chaindns/core/testing';
import { loadThirdParty, start } from '../src/index.js';

// examples/plugin-hello, installed as the package chaindns-plugin-hello: what a plugin author publishes.

test('a Corefile that uses `hello` loads the installed package chaindns-plugin-hello and chains it before whoami', async () => {
  const server = await start({
    corefile: '. {\n  whoami\n  hello {\n    name operator\n  }\n}',
    dnsPort: 0,
    defaultAddresses: ['127.0.0.1'],
    logger: silentLogger,
  });
  try {
    const port = server.addresses()[0]!.port;
    const txt = await query(port, 'greeting.example', 'TXT');
    assert.equal(((txt.packet.answers?.[0] as { data: Buffer[] }).data[0] ?? '').toString(), 'hello, operator');
    const a = await query(port, 'greeting.example', 'A');
    assert.equal((a.packet.additionals?.[0] as { data: string }).data, '127.0.0.1', 'non-TXT queries reach whoami');
  } finally {
    await server.stop();
  }
});

test('a directive no package provides is an unknown directive, with its place in the Corefile', async () => {
  assert.equal(await loadThirdParty('nosuchplugin'), undefined);
  await assert.rejects(start({ corefile: '. {\n  whoami\n  nosuchplugin\n}', dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger: silentLogger }), /Corefile:3: unknown directive "nosuchplugin"/);
});
