import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { buildQuery, MAX_CONNECTIONS_PER_CLIENT } from '../src/index.js';
import { standIn, startTestServer } from '../src/testing/index.js';
import { closesWithin, frame } from './streams.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `answer`: A 192.0.2.1 for any name; `bulk.` names get 200 TXT strings (about 50 KB). */
const answer = standIn('answer', (req) =>
  req.qname.startsWith('bulk')
    ? { answers: Array.from({ length: 200 }, () => ({ name: req.qnameRaw, type: 'TXT' as const, ttl: 0, data: 'x'.repeat(250) })) }
    : { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] },
);

/** A TCP connection from `localAddress`; resolves once connected (or closed by the server). */
function connect(port: number, localAddress: string): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => {});
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => resolve(socket));
  });
}

/** One query over a new connection from `localAddress`: resolves with the reply and how long it took; rejects when closed without one. */
async function tcpQuery(port: number, localAddress: string, name = 'www.example.org'): Promise<{ rcode: number; ms: number }> {
  const started = performance.now();
  const socket = await connect(port, localAddress);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(new Error(`no reply within 1s from ${localAddress}`)), 1000);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ rcode: buf[2 + 3]! & 0x0f, ms: performance.now() - started });
      }
    });
    socket.once('close', () => {
      clearTimeout(timer);
      reject(new Error(`connection from ${localAddress} closed without a reply`));
    });
    if (socket.destroyed) socket.emit('close');
    else socket.write(frame(buildQuery(name, 1)));
  });
}

test('1,000 connections dripping a byte at a time from one address leave TCP answering others and that address within 1s', async (t) => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer] });
  const drippers: net.Socket[] = [];
  let drip: NodeJS.Timeout | undefined;
  try {
    // Each announces a 64-byte query, then sends one byte of it every 2s (well inside the 10s idle timeout).
    for (let i = 0; i < 1000; i++) drippers.push(await connect(s.port, '127.0.0.1'));
    for (const d of drippers) if (!d.destroyed) d.write(Buffer.from([0x00, 0x40]));
    drip = setInterval(() => {
      for (const d of drippers) if (!d.destroyed) d.write(Buffer.from([0x00]));
    }, 2000);
    await sleep(300);
    const other = await tcpQuery(s.port, '127.0.0.2');
    const same = await tcpQuery(s.port, '127.0.0.1');
    assert.equal(other.rcode, 0);
    assert.equal(same.rcode, 0);
    assert.ok(other.ms < 1000 && same.ms < 1000, `answered in ${other.ms.toFixed(0)}ms and ${same.ms.toFixed(0)}ms`);
    const open = drippers.filter((d) => !d.destroyed).length;
    t.diagnostic(`answered from 127.0.0.2 in ${other.ms.toFixed(1)}ms, from 127.0.0.1 in ${same.ms.toFixed(1)}ms; ${open} of 1000 dripping connections open`);
    assert.ok(open <= MAX_CONNECTIONS_PER_CLIENT, `${open} dripping connections still open`);
  } finally {
    clearInterval(drip);
    for (const d of drippers) d.destroy();
    await s.stop();
  }
});

test('a query that trickles in is dropped at the read deadline, however steadily it drips', async () => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], tcp: { readTimeoutMs: 300 } });
  const socket = await connect(s.port, '127.0.0.1');
  const drip = setInterval(() => socket.write(Buffer.from([0x00])), 50);
  try {
    socket.write(Buffer.from([0x00, 0x40]));
    const ms = await closesWithin(socket, 2000);
    assert.ok(ms >= 250, `closed after ${ms.toFixed(0)}ms, before its deadline`);
  } finally {
    clearInterval(drip);
    socket.destroy();
    await s.stop();
  }
});

test('a connection that asks nothing more is closed after the idle timeout; one that never asks, after the read timeout', async () => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], tcp: { idleTimeoutMs: 400, readTimeoutMs: 150 } });
  try {
    const silent = await connect(s.port, '127.0.0.1');
    const silentMs = await closesWithin(silent, 2000);
    assert.ok(silentMs >= 100 && silentMs < 350, `a connection that sent nothing lived ${silentMs.toFixed(0)}ms`);
    const asked = await connect(s.port, '127.0.0.1');
    asked.write(frame(buildQuery('www.example.org', 1)));
    await new Promise((r) => asked.once('data', r));
    const idleMs = await closesWithin(asked, 2000);
    assert.ok(idleMs >= 350, `idle after its answer, it lived ${idleMs.toFixed(0)}ms`);
  } finally {
    await s.stop();
  }
});

test('empty frames keep no connection alive', async () => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], tcp: { idleTimeoutMs: 300 } });
  const socket = await connect(s.port, '127.0.0.1');
  socket.write(frame(buildQuery('www.example.org', 1)));
  await new Promise((r) => socket.once('data', r));
  const empty = setInterval(() => socket.write(Buffer.from([0x00, 0x00])), 50);
  try {
    const ms = await closesWithin(socket, 2000);
    assert.ok(ms >= 250, `closed after ${ms.toFixed(0)}ms`);
  } finally {
    clearInterval(empty);
    socket.destroy();
    await s.stop();
  }
});

test('a connection whose last query was dropped unanswered (a response, or shorter than a header) still closes at the idle timeout', async () => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], tcp: { idleTimeoutMs: 300, readTimeoutMs: 300 } });
  try {
    const response = buildQuery('www.example.org', 1);
    response[2]! |= 0x80; // QR: a response, which a server drops
    for (const dropped of [response, Buffer.alloc(5)]) {
      const socket = await connect(s.port, '127.0.0.1');
      socket.write(frame(buildQuery('www.example.org', 1)));
      await new Promise((r) => socket.once('data', r));
      socket.write(frame(dropped));
      const ms = await closesWithin(socket, 2000);
      assert.ok(ms >= 200, `closed after ${ms.toFixed(0)}ms`);
    }
  } finally {
    await s.stop();
  }
});

test('a client that does not read its answers is closed at the write deadline', async () => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], tcp: { writeTimeoutMs: 300 } });
  const socket = await connect(s.port, '127.0.0.1');
  try {
    socket.pause();
    // 400 answers of about 55 KB each: far more than the socket buffers hold.
    socket.write(Buffer.concat(Array.from({ length: 400 }, (_, i) => frame(buildQuery(`bulk${i}.example.org`, 16)))));
    // A paused socket does not notice the close: look after the deadline.
    await sleep(1000);
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await closesWithin(socket, 2000);
    assert.ok(received < 400 * 50_000, `${received} bytes arrived: the server kept writing`);
  } finally {
    socket.destroy();
    await s.stop();
  }
});

test('a full table closes its least recently used idle connection for a new one, not the newcomer', async () => {
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], tcp: { maxConnections: 10 } });
  const idle: net.Socket[] = [];
  try {
    for (let i = 0; i < 10; i++) idle.push(await connect(s.port, `127.0.1.${i + 1}`));
    await sleep(50);
    assert.equal((await tcpQuery(s.port, '127.0.2.1')).rcode, 0);
    await sleep(50);
    assert.deepEqual(
      idle.map((c) => c.destroyed),
      [true, ...Array<boolean>(9).fill(false)],
      'the oldest idle connection made room',
    );
  } finally {
    for (const c of idle) c.destroy();
    await s.stop();
  }
});

test('TCP limits that are not positive numbers fail at once', async () => {
  for (const tcp of [{ readTimeoutMs: 0 }, { idleTimeoutMs: -1 }, { maxConnections: Number.NaN }]) {
    await assert.rejects(startTestServer('. {\n  answer\n}', { plugins: [answer], tcp }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CHAINDNS_OPTIONS');
      assert.match(err.message, /^tcp\.\w+: expected a positive number, got/);
      return true;
    });
  }
});
