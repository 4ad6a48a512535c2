import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildQuery, parseRequest, QType, reply, Request } from '@chaindns/core';
import { A, freePort } from '@chaindns/core/testing';
import { startChaindns, tempDir } from './harness.js';

/** The resident set of a process, in MB. */
function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Sends `count` queries for new names to `port`, `window` at a time, a new one for each reply (none for 2 s fails). */
async function flood(port: number, count: number, window: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  let sent = 0;
  let answered = 0;
  const send = (): void => {
    socket.send(buildQuery(`m${sent}.flood.example`, QType.A, { id: sent & 0xffff }), port, '127.0.0.1');
    sent++;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stalled at ${answered} of ${count} replies`)), 2000);
      socket.on('message', () => {
        timer.refresh();
        if (++answered === count) {
          clearTimeout(timer);
          resolve();
        } else if (sent < count) send();
      });
      socket.bind(0, '127.0.0.1', () => {
        while (sent < Math.min(window, count)) send();
      });
    });
  } finally {
    socket.close();
  }
}

/**
 * The binary's V8 flags keep the heap near what is alive: without them a
 * flood of new names grew the young generation to 32 MB and let the old one
 * reach four times its live size (RSS +50 MB after 20,000 names, +90 MB after
 * a million). npm run bench:flood measures it at length.
 */
test('the binary under a flood of new names stays within 35 MB of its idle RSS', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const upstream = dgram.createSocket('udp4');
  upstream.on('message', (raw, rinfo) => {
    const q = parseRequest(raw, 'udp', { address: rinfo.address, port: rinfo.port, family: 4 });
    if (q instanceof Request) upstream.send(reply(q, { answers: [A(`${q.qname} 300 IN A 192.0.2.1`)] }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
  const dir = tempDir('chaindns-memory-');
  const port = await freePort();
  writeCorefile(dir.file('Corefile'), port, upstream.address().port);
  const server = await startChaindns(['-conf', dir.file('Corefile')]);
  try {
    const pid = server.child.pid!;
    await flood(port, 2000, 64); // compiled, the cache half full
    const idle = rssMb(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
    try {
      await flood(port, 40_000, 64);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssMb(pid));
    assert.ok(peak - idle < 35, `RSS ${idle.toFixed(1)} MB idle, ${peak.toFixed(1)} MB at most under the flood`);
  } finally {
    await server.stop();
    upstream.close();
    dir.remove();
  }
});

/** A Node.js holding one UDP socket and nothing else, for `ms`: its RSS then, in MB (the floor any server in Node.js stands on). */
async function bareNodeRss(ms: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', `require('dgram').createSocket('udp4').bind(0, '127.0.0.1'); setTimeout(() => {}, ${ms + 5000})`], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, ms));
    return rssMb(child.pid!);
  } finally {
    child.kill();
  }
}

/**
 * What the binary costs at rest above Node.js itself, with the plugins of a
 * node-local cache: 13-17 MB. Before, it cost 37-40 MB: fastify behind
 * health and prometheus, undici behind health's probe (fetch), prom-client's
 * whole index and Node's scan of CommonJS files imported as ESM, which
 * started V8's optimizing compiler (bench/README.md, "Footprint"). On a
 * machine at a load average of 20 the same build holds 24-30 MB more (V8's
 * concurrent collector lags): the bound sits between that and the old cost.
 */
test('a node-local Corefile at rest: the binary holds under 32 MB more than a bare Node.js', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const upstream = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => upstream.bind(0, '127.0.0.1', resolve));
  const dir = tempDir('chaindns-memory-');
  const [port, metrics, health] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    dir.file('Corefile'),
    `.:${port} {\n    errors\n    cache 30\n    reload\n    loop\n    bind 127.0.0.1\n    forward . 127.0.0.1:${upstream.address().port}\n    prometheus 127.0.0.1:${metrics}\n    health 127.0.0.1:${health}\n}\n`,
  );
  const server = await startChaindns(['-conf', dir.file('Corefile')]);
  try {
    // The least of a few samples: on a loaded machine V8's concurrent collector lags, and a sample can catch garbage not yet collected.
    const [bare] = await Promise.all([bareNodeRss(3000), new Promise((r) => setTimeout(r, 3000))]);
    let rss = rssMb(server.child.pid!);
    for (let i = 0; i < 10 && rss - bare >= 32; i++) {
      await new Promise((r) => setTimeout(r, 500));
      rss = Math.min(rss, rssMb(server.child.pid!));
    }
    assert.ok(rss - bare < 32, `RSS ${rss.toFixed(1)} MB against ${bare.toFixed(1)} MB for a bare Node.js`);
  } finally {
    await server.stop();
    upstream.close();
    dir.remove();
  }
});

function writeCorefile(path: string, port: number, upstreamPort: number): void {
  writeFileSync(path, `.:${port} {\n    bind 127.0.0.1\n    errors\n    cache 30\n    forward . 127.0.0.1:${upstreamPort}\n}\n`);
}
