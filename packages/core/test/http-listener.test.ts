import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { after, test } from 'node:test';
import { httpDate } from '../src/http-date.js';
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

test("the Date header is an HTTP date, toUTCString's to the second, made anew each second", () => {
  for (const t of [0, 951_782_400_000, 1_709_164_799_999, 1_735_689_599_500, 1_735_689_600_000, Date.now()]) assert.equal(httpDate(t), new Date(t).toUTCString(), String(t));
  assert.equal(httpDate(1_000_000_000_999), httpDate(1_000_000_000_000));
  assert.notEqual(httpDate(1_000_000_001_000), httpDate(1_000_000_000_999));
});

/**
 * Node's own Date header calls toUTCString, whose first call loads ICU's time
 * zone data (about 0.9 MB of the binary's pages): after a listener's answer,
 * the first toUTCString in the process must still be what pays for it.
 */
test('an answer leaves the time zone data unread: its Date header is not toUTCString', { skip: process.platform !== 'linux' && 'reads /proc' }, () => {
  const core = new URL('../src/index.js', import.meta.url).href;
  const script = `
    import { get } from 'node:http';
    import { readFileSync } from 'node:fs';
    import { HttpListener, sendText } from ${JSON.stringify(core)};
    const fileKb = () => Number(/RssFile:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
    const listener = await HttpListener.open({ host: '127.0.0.1', port: 0 });
    listener.serve('/health', (_req, res) => sendText(res, 200, 'OK'));
    const date = await new Promise((resolve, reject) => get(listener.url + '/health', (res) => (res.resume(), res.on('end', () => resolve(res.headers.date)))).on('error', reject));
    await listener.close();
    const before = fileKb();
    new Date().toUTCString();
    console.log(JSON.stringify({ date, zoneKb: fileKb() - before }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { date, zoneKb } = JSON.parse(run.stdout) as { date: string; zoneKb: number };
  assert.match(date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.ok(zoneKb > 300, `the first toUTCString after the answer mapped ${zoneKb} KB: the answer had loaded the zone data already`);
});
