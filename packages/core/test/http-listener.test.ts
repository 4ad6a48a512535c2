import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { HttpListener, sendText } from '../src/index.js';
import { freePort } from '../src/testing/index.js';

test('a listener answers the newest handler of a path, any method, and 404 elsewhere', async () => {
  const endpoint = await HttpListener.open({ host: '127.0.0.1', port: 0 });
  after(() => endpoint.close());
  assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const get = async (path: string, method = 'GET') => {
    const res = await fetch(endpoint.url + path, { method });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
  assert.deepEqual(await get('/health'), { status: 404, body: '404 page not found\n', type: 'text/plain; charset=utf-8' });
  const first = endpoint.serve('/health', (_req, res) => sendText(res, 200, 'first'));
  const second = endpoint.serve('/health', (_req, res) => sendText(res, 503, 'second'));
  assert.deepEqual(await get('/health?verbose=1'), { status: 503, body: 'second', type: 'text/plain; charset=utf-8' });
  assert.equal((await get('/health', 'POST')).body, 'second');
  assert.equal((await get('/health/')).status, 404);
  second();
  assert.deepEqual(await get('/health'), { status: 200, body: 'first', type: 'text/plain; charset=utf-8' });
  first();
  assert.equal((await get('/health')).status, 404);
});

test('an address in use fails with CHAINDNS_LISTEN', async () => {
  const port = await freePort();
  const holder = await HttpListener.open({ host: '127.0.0.1', port });
  after(() => holder.close());
  await assert.rejects(HttpListener.open({ host: '127.0.0.1', port }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CHAINDNS_LISTEN');
    assert.match(err.message, new RegExp(`^cannot listen on http 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    return true;
  });
});

test('a closed listener refuses connections', async () => {
  const endpoint = await HttpListener.open({ host: '::1', port: 0 });
  assert.match(endpoint.url, /^http:\/\/\[::1\]:\d+$/);
  endpoint.serve('/ready', (_req, res) => sendText(res, 200, 'OK'));
  assert.equal((await fetch(endpoint.url + '/ready')).status, 200);
  await endpoint.close();
  await assert.rejects(fetch(endpoint.url + '/ready'), (err: Error) => (assert.match(String((err.cause as Error).message), /ECONNREFUSED/), true));
});

test('a connection that never sends a request does not hold the close', async () => {
  const endpoint = await HttpListener.open({ host: '127.0.0.1', port: 0 });
  const idle = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
  after(() => idle.destroy());
  await new Promise((r) => idle.once('connect', r));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('close waited for the idle connection')), 2000)));
  await Promise.race([endpoint.close(), late]);
  clearTimeout(timer);
});

test('a path ending in / serves its subtree, as Go\'s mux: the longest one where no exact path answers', async () => {
  const listener = await HttpListener.open({ host: '127.0.0.1', port: 0 });
  after(() => listener.close());
  listener.serve('/', (req, res) => sendText(res, 200, `root ${req.url}`));
  listener.serve('/assets/', (req, res) => sendText(res, 200, `assets ${req.url}`));
  listener.serve('/metrics', (_req, res) => sendText(res, 200, 'metrics'));
  const body = async (path: string) => (await fetch(listener.url + path)).text();
  assert.equal(await body('/metrics'), 'metrics');
  assert.equal(await body('/metrics/x'), 'root /metrics/x');
  assert.equal(await body('/assets/a/b.js?v=1'), 'assets /assets/a/b.js?v=1');
  assert.equal(await body('/assets'), 'root /assets');
  assert.equal(await body('/'), 'root /');
  assert.equal(listener.port, Number(new URL(listener.url).port));
});
