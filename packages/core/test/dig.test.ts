import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dig, standIn, startTestServer } from '../src/testing/index.js';

test('dig asks the server at 127.0.0.1:port with the arguments given, over UDP and TCP', async () => {
  const s = await startTestServer('. {\n  answer\n}\n', { plugins: [standIn('answer')] });
  try {
    for (const transport of ['+notcp', '+tcp']) assert.equal((await dig(s.port, transport, '+short', 'x.example', 'A')).trim(), '192.0.2.1', transport);
    assert.match(await dig(s.port, 'x.example', 'A'), /status: NOERROR/);
  } finally {
    await s.stop();
  }
});
