import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, test } from 'node:test';
import { buildQuery, definePlugin, expectArgs, reply } from '@chaindns/core';
import { assertCase, exchangeTcp, freePort, startTestServer, type TestServer } from '@chaindns/core/testing';
import { health, ready } from '../src/index.js';

/** Answers every query with one A record. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 5, data: '192.0.2.1' }] })), 0) }),
});

/** `gate NAME...`: checks, one per name, whose readiness and liveness the test sets. */
function gate(states: { ready: Set<string>; sick: Set<string> }) {
  return definePlugin<string[]>({
    name: 'gate',
    parse: (d) => expectArgs(d, 1).map((t) => t.text),
    setup: (names, ctx) => {
      for (const name of names) {
        ctx.registerReady(name, () => states.ready.has(name));
        ctx.registerHealth(name, () => !states.sick.has(name));
      }
    },
  });
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

async function start(corefile: string, states = { ready: new Set<string>(), sick: new Set<string>() }): Promise<TestServer> {
  const s = await startTestServer(corefile, { plugins: [health, ready, gate(states), answer] });
  after(() => s.stop());
  return s;
}

const listening = (s: TestServer) => s.logs.filter((l) => l.includes(': listening on http://'));

test('/health and /ready answer over real HTTP; /ready flips with a plugin\'s readiness', async () => {
  const [hp, rp] = [await freePort(), await freePort()];
  const states = { ready: new Set<string>(), sick: new Set<string>() };
  await start(`. {\n  health 127.0.0.1:${hp}\n  ready 127.0.0.1:${rp} {\n    monitor continuously\n  }\n  gate kubernetes etcd\n  answer\n}`, states);
  const [healthUrl, readyUrl] = [`http://127.0.0.1:${hp}/health`, `http://127.0.0.1:${rp}/ready`];
  assert.deepEqual(await get(healthUrl), { status: 200, body: 'OK' });
  assert.deepEqual(await get(readyUrl), { status: 503, body: 'etcd,kubernetes' });
  states.ready.add('kubernetes');
  assert.deepEqual(await get(readyUrl), { status: 503, body: 'etcd' });
  states.ready.add('etcd');
  assert.deepEqual(await get(readyUrl), { status: 200, body: 'OK' });
  states.ready.delete('etcd');
  assert.deepEqual(await get(readyUrl), { status: 503, body: 'etcd' }, 'checked on every request (monitor continuously)');
  states.sick.add('etcd');
  assert.deepEqual(await get(healthUrl), { status: 503, body: 'etcd' });
  // Each listener serves only its own path.
  assert.equal((await get(`http://127.0.0.1:${hp}/ready`)).status, 404);
  assert.equal((await get(`http://127.0.0.1:${rp}/health`)).status, 404);
});

test('/ready says 503 while a plugin\'s start holds the server\'s (kubernetes syncing), before any DNS listener is open', async () => {
  const rp = await freePort();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let synced = false;
  // `sync`: as kubernetes, a readiness check and a startup hook that holds the start until the data is in.
  const sync = definePlugin<null>({
    name: 'sync',
    parse: () => null,
    setup: (_config, ctx) => {
      ctx.registerReady('kubernetes', () => synced);
      ctx.onStartup(() => released);
    },
  });
  const starting = startTestServer(`. {\n  ready 127.0.0.1:${rp}\n  sync\n  answer\n}`, { plugins: [ready, sync, answer] });
  const readyUrl = `http://127.0.0.1:${rp}/ready`;
  // Every answer until then: 503, `starting` while the config is set up (ready's listener opens in its setup), then the check's name.
  const seen = new Set<string>();
  try {
    for (let i = 0; i < 300 && !seen.has('503 kubernetes'); i++) {
      const got = await get(readyUrl).catch(() => null);
      if (got) seen.add(`${got.status} ${got.body}`);
      else await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    synced = true;
    release();
  }
  const s = await starting;
  assert.ok(seen.has('503 kubernetes'), [...seen].join(', '));
  assert.deepEqual([...seen].filter((answer) => answer !== '503 kubernetes' && answer !== '503 starting'), []);
  after(() => s.stop());
  assert.deepEqual(await get(readyUrl), { status: 200, body: 'OK' });
});

test('ready by default (monitor until-ready) asks a plugin no more once it was ready, as CoreDNS', async () => {
  const rp = await freePort();
  const states = { ready: new Set<string>(), sick: new Set<string>() };
  await start(`. {\n  ready 127.0.0.1:${rp}\n  gate kubernetes etcd\n  answer\n}`, states);
  const readyUrl = `http://127.0.0.1:${rp}/ready`;
  assert.deepEqual(await get(readyUrl), { status: 503, body: 'etcd,kubernetes' });
  states.ready.add('kubernetes');
  assert.deepEqual(await get(readyUrl), { status: 503, body: 'etcd' });
  states.ready.delete('kubernetes');
  states.ready.add('etcd');
  assert.deepEqual(await get(readyUrl), { status: 200, body: 'OK' }, 'kubernetes was ready once');
});

test('health and ready on one address, in several blocks, share one listener', async () => {
  const port = await freePort();
  const states = { ready: new Set<string>(), sick: new Set<string>() };
  const block = (zone: string) => `${zone} {\n  health 127.0.0.1:${port}\n  ready 127.0.0.1:${port}\n  gate ${zone}\n  answer\n}\n`;
  const s = await start(block('a.example') + block('b.example'), states);
  assert.equal(listening(s).length, 1);
  assert.deepEqual(await get(`http://127.0.0.1:${port}/health`), { status: 200, body: 'OK' });
  assert.deepEqual(await get(`http://127.0.0.1:${port}/ready`), { status: 503, body: 'a.example,b.example' });
  states.ready.add('a.example');
  states.ready.add('b.example');
  assert.deepEqual(await get(`http://127.0.0.1:${port}/ready`), { status: 200, body: 'OK' });
});

test('IPv6 and host-name addresses listen where they say', async () => {
  const [p6, pl] = [await freePort('::1'), await freePort()];
  await start(`. {\n  health [::1]:${p6}\n  ready localhost:${pl}\n  answer\n}`);
  assert.deepEqual(await get(`http://[::1]:${p6}/health`), { status: 200, body: 'OK' });
  await assert.rejects(fetch(`http://127.0.0.1:${p6}/health`));
  assert.deepEqual(await get(`http://127.0.0.1:${pl}/ready`), { status: 200, body: 'OK' });
});

/** A GET over a keep-alive agent, telling whether the connection was reused. */
function getOn(agent: http.Agent, url: string): Promise<{ status: number; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

test('a reload keeps the listener open and serves the new config\'s checks', async () => {
  const [port, moved] = [await freePort(), await freePort()];
  const s = await start(`. {\n  health 127.0.0.1:${port}\n  ready 127.0.0.1:${port}\n  gate one\n  answer\n}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  after(() => agent.destroy());
  const readyUrl = `http://127.0.0.1:${port}/ready`;
  assert.deepEqual(await getOn(agent, readyUrl), { status: 503, body: 'one', reused: false });

  await s.server.reload(`. {\n  health 127.0.0.1:${port}\n  ready 127.0.0.1:${port}\n  gate two\n  answer\n}`);
  assert.deepEqual(await getOn(agent, readyUrl), { status: 503, body: 'two', reused: true }, 'same connection, new config');
  assert.equal(listening(s).length, 1);

  // A reload that fails (the new address is taken) leaves the old config serving.
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(moved, '127.0.0.1', r));
  await assert.rejects(s.server.reload(`. {\n  health 127.0.0.1:${moved}\n  gate three\n  answer\n}`), new RegExp(`cannot listen on http 127\\.0\\.0\\.1:${moved}: .*EADDRINUSE`));
  await new Promise((r) => squatter.close(r));
  assert.deepEqual(await getOn(agent, readyUrl), { status: 503, body: 'two', reused: true });
  assert.deepEqual(await getOn(agent, `http://127.0.0.1:${port}/health`), { status: 200, body: 'OK', reused: true });

  // Dropping ready and moving health: the old listener closes once nobody holds it.
  await s.server.reload(`. {\n  health 127.0.0.1:${moved}\n  gate four\n  answer\n}`);
  assert.deepEqual(await get(`http://127.0.0.1:${moved}/health`), { status: 200, body: 'OK' });
  await assert.rejects(fetch(readyUrl), (err: Error) => (assert.match((err.cause as Error).message, /ECONNREFUSED/), true));
});

test('a reload that drops ready leaves /ready unserved on the listener health keeps', async () => {
  const port = await freePort();
  const s = await start(`. {\n  health 127.0.0.1:${port}\n  ready 127.0.0.1:${port}\n  answer\n}`);
  await s.server.reload(`. {\n  health 127.0.0.1:${port}\n  answer\n}`);
  assert.deepEqual(await get(`http://127.0.0.1:${port}/health`), { status: 200, body: 'OK' });
  assert.deepEqual(await get(`http://127.0.0.1:${port}/ready`), { status: 404, body: '404 page not found\n' });
});

test('a taken HTTP address fails the start with the address and the reason', async () => {
  const port = await freePort();
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  after(() => new Promise((r) => squatter.close(r)));
  await assert.rejects(startTestServer(`. {\n  ready 127.0.0.1:${port}\n  answer\n}`, { plugins: [health, ready, answer] }), new RegExp(`cannot listen on http 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
});

test('lameduck: DNS and /health keep serving while /ready says 503, then everything closes', async () => {
  const [hp, rp] = [await freePort(), await freePort()];
  const s = await startTestServer(`. {\n  health 127.0.0.1:${hp} {\n    lameduck 1200ms\n  }\n  ready 127.0.0.1:${rp}\n  answer\n}`, { plugins: [health, ready, answer] });
  const [healthUrl, readyUrl] = [`http://127.0.0.1:${hp}/health`, `http://127.0.0.1:${rp}/ready`];
  assert.deepEqual(await get(readyUrl), { status: 200, body: 'OK' });

  const began = performance.now();
  const stopped = s.stop();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await get(readyUrl), { status: 503, body: 'Shutting down' });
  assert.deepEqual(await get(healthUrl), { status: 200, body: 'OK' });
  for (const transport of ['udp', 'tcp'] as const) {
    const got = await s.query('during.lameduck.example', 'A', { transport });
    assert.equal(got.rcode, 0);
    assertCase(got.packet, { qname: 'during.lameduck.example', qtype: 'A', answer: ['during.lameduck.example. 5 IN A 192.0.2.1'] });
  }
  assert.ok(s.logs.includes('[INFO] plugin/health: Going into lameduck mode for 1.2s'), s.logs.join('\n'));

  await stopped;
  const took = performance.now() - began;
  assert.ok(took >= 1150, `stop took ${took}ms, less than the lameduck`);
  await assert.rejects(fetch(healthUrl));
  await assert.rejects(fetch(readyUrl));
  await assert.rejects(exchangeTcp(s.port, buildQuery('after.lameduck.example', 1), { timeoutMs: 500 }), /ECONNREFUSED/);
  await assert.rejects(s.query('after.lameduck.example', 'A', { timeoutMs: 300 }));

  // The server lived over a second: the self-probe ran, and never failed, not even while closing.
  const metrics = await s.server.registry.metrics();
  assert.ok(Number(/^coredns_health_request_duration_seconds_count (\d+)$/m.exec(metrics)?.[1]) >= 1, metrics);
  assert.match(metrics, /^coredns_health_request_failures_total 0$/m);
});
