import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PluginRegistry } from '@chaindns/core';
import { standIn, startTestServer } from '@chaindns/core/testing';
import hello from '../src/index.js';

// chaindns's order table ends with whoami, and `hello` asks to go before it. Here a stand-in
// `whoami` (every query gets A 192.0.2.1) takes its place, so the test needs @chaindns/core alone.
const whoami = standIn('whoami');

test('a Corefile that uses `hello` chains it where its order says, whatever the Corefile order', async () => {
  const plugins = new PluginRegistry(['whoami'], [whoami]).add(hello);
  assert.deepEqual(plugins.names(), ['hello', 'whoami']);
  const server = await startTestServer('. {\n  whoami\n  hello {\n    name operator\n  }\n}', { plugins });
  try {
    const txt = await server.query('greeting.example', 'TXT');
    assert.equal(((txt.packet.answers?.[0] as { data: Buffer[] }).data[0] ?? '').toString(), 'hello, operator');
    const a = await server.query('greeting.example', 'A');
    assert.equal((a.packet.answers?.[0] as { data: string }).data, '192.0.2.1', 'non-TXT queries reach the next plugin');
  } finally {
    await server.stop();
  }
});
