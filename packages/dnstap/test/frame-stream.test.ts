import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventually, startTestServer } from '@chaindns/core/testing';
import { dnstapPlugin } from '../src/index.js';
import { tempDir } from './capture.js';
import { answer } from './stand-ins.js';
import { startStubReceiver } from './stub-receiver.js';

const dnstap = dnstapPlugin({ timing: { flushMs: 10, retryMs: 50, retryMaxMs: 200, reportMs: 100, timeoutMs: 1000 } });

test('the writer side of Frame Streams: READY offering protobuf:dnstap.Dnstap, START, data frames, and STOP answered by FINISH on shutdown', async () => {
  const sock = join(tempDir(), 'stub.sock');
  const receiver = await startStubReceiver(sock);
  const s = await startTestServer(`. {\n  dnstap ${sock}\n  answer\n}\n`, { plugins: [dnstap, answer] });
  for (let i = 0; i < 3; i++) await s.query(`q${i}.example`, 'A');
  await s.stop();
  await eventually(() => receiver.connections[0]?.controls.includes('STOP'), 2000, 'STOP');
  await receiver.close();
  assert.equal(receiver.connections.length, 1);
  assert.deepEqual(receiver.connections[0], { controls: ['READY', 'START', 'STOP'], offered: ['protobuf:dnstap.Dnstap'], data: 6 });
});

test('a receiver that accepts another content type is refused, logged, and dialled again', async () => {
  const sock = join(tempDir(), 'stub.sock');
  const receiver = await startStubReceiver(sock, { accept: 'protobuf:something.Else' });
  const s = await startTestServer(`. {\n  dnstap ${sock}\n  answer\n}\n`, { plugins: [dnstap, answer] });
  try {
    await eventually(() => receiver.connections.length >= 2, 2000, 'a second attempt');
    assert.ok(s.logs.some((l) => l === '[ERROR] plugin/dnstap: No connection to dnstap endpoint ' + sock + ': the receiver accepts protobuf:something.Else, not protobuf:dnstap.Dnstap'), s.logs.join('\n'));
    assert.ok(receiver.connections.every((c) => !c.controls.includes('START')));
  } finally {
    await s.stop();
    await receiver.close();
  }
});

test('a reload keeps the connection: the old and the new configuration share it while they name the same endpoint and options', async () => {
  const sock = join(tempDir(), 'stub.sock');
  const receiver = await startStubReceiver(sock);
  const corefile = (identity: string): string => `. {\n  dnstap ${sock} {\n    identity ${identity}\n  }\n  answer\n}\n`;
  const s = await startTestServer(corefile('old'), { plugins: [dnstap, answer] });
  await s.query('before.example', 'A');
  await s.server.reload(corefile('new'));
  await s.query('after.example', 'A');
  await s.stop();
  await eventually(() => receiver.connections[0]?.controls.includes('STOP'), 2000, 'STOP');
  await receiver.close();
  assert.deepEqual(receiver.connections, [{ controls: ['READY', 'START', 'STOP'], offered: ['protobuf:dnstap.Dnstap'], data: 4 }]);
});
