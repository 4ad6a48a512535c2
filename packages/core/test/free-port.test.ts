import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import test from 'node:test';
import { freePort } from '@chaindns/core/testing';

test('freePort chooses under the ephemeral range, where no client connection can take the port before the server binds it', async () => {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    assert.ok(port >= 10_000 && port < low, `${port} under ${low}`);
  }
});

test('freePort on ::1', async () => {
  const port = await freePort('::1');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(port, '::1', resolve));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
