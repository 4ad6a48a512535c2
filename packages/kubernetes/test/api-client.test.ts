import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Registry } from '@chaindns/core';
import { KubeConfig } from '#client-node';
import { ApiClient, HttpError, type ItemReader } from '../src/api-client.js';
import { kubernetesMetrics } from '../src/metrics.js';
import { decodeService } from '../src/proto-objects.js';
import { service, startFakeApiServer } from '../src/testing/index.js';

/** Items as their JSON parses, asked for in JSON only. */
const JSON_ITEMS: ItemReader<unknown> = { json: (raw) => raw, proto: null };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * An API server whose first page sends its metadata, waits, then its items, and whose second
 * page answers `second`; it records when each request came and when each response ended.
 */
async function pagedServer(t: { after(fn: () => unknown): void }, second: (res: http.ServerResponse) => void): Promise<{ url: string; events: string[] }> {
  const events: string[] = [];
  const server = http.createServer((req, res) => {
    const page = new URL(req.url!, 'http://x').searchParams.get('continue') ? 2 : 1;
    events.push(`asked ${page}`);
    res.on('finish', () => events.push(`ended ${page}`));
    if (page === 2) return second(res);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"page-2"},"items":[');
    setTimeout(() => res.end('{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}'), 150);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, events };
}

function client(url: string, pageTimeoutMs?: number): ApiClient {
  const kc = new KubeConfig();
  kc.loadFromClusterAndUser({ name: 'c', server: url, skipTLSVerify: true }, { name: 'u' });
  return new ApiClient(kc, kubernetesMetrics(new Registry()), { qps: null, burst: null, maxInflight: null }, pageTimeoutMs);
}

test('a list asks for the next page as soon as its continue token has come, before the page has ended', async (t) => {
  const { url, events } = await pagedServer(t, (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"c"}}]}');
  });
  const api = client(url);
  t.after(() => api.close());
  const names: string[] = [];
  const rv = await api.list('/api/v1/services', '', null, null, (raw) => names.push((raw as { metadata: { name: string } }).metadata.name), JSON_ITEMS);
  assert.equal(rv, '7');
  assert.deepEqual(names.sort(), ['a', 'b', 'c']);
  assert.deepEqual(events.slice(0, 2), ['asked 1', 'asked 2'], events.join(', '));
});

test('a page asked for ahead that fails fails the list once, and nothing is handed over after it', async (t) => {
  const { url } = await pagedServer(t, (res) => {
    res.writeHead(410, { 'Content-Type': 'application/json' });
    res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","message":"The provided continue parameter is too old to display a consistent list result.","reason":"Expired","code":410}');
  });
  const api = client(url);
  t.after(() => api.close());
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown): number => unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const names: string[] = [];
  await assert.rejects(
    api.list('/api/v1/services', '', null, null, (raw) => names.push((raw as { metadata: { name: string } }).metadata.name), JSON_ITEMS),
    (err: unknown) => err instanceof HttpError && err.statusCode === 410 && /continue parameter is too old/.test(err.message),
  );
  // The first page had ended (its items arrived) before the list looked at the second's failure.
  assert.deepEqual(names, ['a', 'b']);
  await sleep(50);
  assert.deepEqual(unhandled, []);
});

test('a page that stalls fails the list at its deadline, though bytes kept coming until the stall', async (t) => {
  // Items trickle in every 50 ms for 400 ms, then nothing: an idle timeout of 300 ms would never fire while they come.
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[{"metadata":{"name":"a0"}}');
    let n = 1;
    const drip = setInterval(() => (n < 8 ? res.write(`,{"metadata":{"name":"a${n++}"}}`) : clearInterval(drip)), 50);
    res.on('close', () => clearInterval(drip));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => (server.closeAllConnections(), server.close()));
  const api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 600);
  t.after(() => api.close());
  const started = performance.now();
  await assert.rejects(api.list('/api/v1/services', '', null, null, () => {}, JSON_ITEMS), /GET \/api\/v1\/services\?limit=500: timed out after 600 ms/);
  const took = performance.now() - started;
  assert.ok(took >= 550 && took < 2000, `failed after ${Math.round(took)} ms`);
});

test('a list at resourceVersion 0 is one page from the watch cache; at "" it is paged from etcd, the version on its first page only', async (t) => {
  const server = await startFakeApiServer();
  t.after(() => server.stop());
  server.apply(...Array.from({ length: 1203 }, (_, i) => service('ns', `svc-${i}`, { clusterIP: `10.0.${i >> 8}.${i & 255}` })));
  const api = client(server.url);
  t.after(() => api.close());
  const listed = async (resourceVersion: string): Promise<string[]> => {
    const from = server.requests.length;
    let items = 0;
    assert.equal(await api.list('/api/v1/services', resourceVersion, null, null, () => items++, { json: (raw) => raw, proto: decodeService }), server.resourceVersion);
    assert.equal(items, 1203);
    return server.requests.slice(from).map((r) => r.query.toString());
  };
  assert.deepEqual(await listed('0'), ['limit=500&resourceVersion=0']);
  const paged = await listed('');
  assert.equal(paged.length, 3);
  assert.equal(paged[0], 'limit=500');
  // The API server refuses a continued list that names a version (400): the stand-in too.
  for (const query of paged.slice(1)) assert.match(query, /^limit=500&continue=[^&]+$/);
});

test('a list asks for Protocol Buffers and reads them; from a server without them it reads JSON, with the same items', async (t) => {
  for (const protobuf of [true, false]) {
    const server = await startFakeApiServer({ protobuf });
    t.after(() => server.stop());
    server.apply(...Array.from({ length: 1203 }, (_, i) => service(`ns-${i % 3}`, `svc-${i}`, { clusterIP: `10.0.${i >> 8}.${i & 255}`, ports: [{ name: 'http', port: 80 }] })));
    const api = client(server.url);
    t.after(() => api.close());
    let decoded = 0;
    const names: string[] = [];
    const rv = await api.list('/api/v1/services', '', null, null, (raw) => names.push((raw as { metadata: { name: string } }).metadata.name), { json: (raw) => raw, proto: (r, end) => (decoded++, decodeService(r, end)) });
    assert.equal(rv, server.resourceVersion);
    assert.equal(names.length, 1203);
    assert.equal(new Set(names).size, 1203);
    assert.equal(decoded, protobuf ? 1203 : 0);
    const lists = server.requests.filter((r) => r.path === '/api/v1/services');
    assert.equal(lists.length, 3);
    for (const r of lists) assert.equal(r.accept, 'application/vnd.kubernetes.protobuf, application/json');
  }
});

test("an error answered in Protocol Buffers fails the list with its Status's message", async (t) => {
  const server = await startFakeApiServer();
  t.after(() => server.stop());
  const api = client(server.url);
  t.after(() => api.close());
  await assert.rejects(
    api.list('/api/v1/nothings', '', null, null, () => {}, { json: (raw) => raw, proto: decodeService }),
    (err: unknown) => err instanceof HttpError && err.statusCode === 404 && /404 the server could not find the requested resource$/.test(err.message),
  );
  assert.equal(server.requests[0]!.accept, 'application/vnd.kubernetes.protobuf, application/json');
});

test('an error response of megabytes is not kept: the list fails with the HTTP status alone', async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(503, { 'Content-Type': 'application/json' });
    // A Status whose message would be read, were the 8 MB of spaces after it kept.
    res.write('{"kind":"Status","apiVersion":"v1","status":"Failure","message":"kept","code":503}');
    const spaces = Buffer.alloc(1 << 20, 0x20);
    for (let i = 0; i < 8; i++) res.write(spaces);
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const api = client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  t.after(() => api.close());
  await assert.rejects(api.list('/api/v1/services', '', null, null, () => {}, JSON_ITEMS), (err: unknown) => err instanceof HttpError && err.statusCode === 503 && /: 503 Service Unavailable$/.test(err.message));
});

test('the stand-in without Protocol Buffers answers 406 to a request that accepts nothing else, after 401 for a bad token', async (t) => {
  const server = await startFakeApiServer({ protobuf: false, token: 'right' });
  t.after(() => server.stop());
  const get = (token: string, accept: string): Promise<number> =>
    new Promise((resolve, reject) => {
      http.get(`${server.url}/api/v1/services`, { headers: { authorization: `Bearer ${token}`, accept } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject);
    });
  assert.equal(await get('right', 'application/vnd.kubernetes.protobuf'), 406);
  assert.equal(await get('wrong', 'application/vnd.kubernetes.protobuf'), 401);
  assert.equal(await get('right', 'application/vnd.kubernetes.protobuf, application/json'), 200);
});

/** A server that answers every watch with `respond`; resolves with its URL and the queries it was asked. */
async function watchServer(t: { after(fn: () => unknown): void }, respond: (res: http.ServerResponse) => void): Promise<{ url: string; queries: URLSearchParams[] }> {
  const queries: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    queries.push(new URL(req.url!, 'http://x').searchParams);
    respond(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, queries };
}

/** Watches `/api/v1/services` at version 5; resolves with the events and how the watch ended. */
async function watchAll(url: string): Promise<{ events: string[]; err: unknown }> {
  const api = client(url);
  const events: string[] = [];
  const ended = new Promise<unknown>((resolve) => {
    void api.watch('/api/v1/services', { resourceVersion: '5', labelSelector: undefined }, (type, obj) => events.push(`${type} ${(obj as { metadata: { name: string } }).metadata.name}`), resolve);
  });
  const err = await ended;
  api.close();
  return { events, err };
}

test('a watch reads events cut anywhere by the stream, the last one without its newline too', async (t) => {
  const body = ['ADDED a', 'MODIFIED b', 'DELETED c', 'BOOKMARK d'].map((e) => JSON.stringify({ type: e.split(' ')[0], object: { metadata: { name: e.split(' ')[1] } } })).join('\n');
  const { url, queries } = await watchServer(t, (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Three bytes at a time, so every line is cut, and some newlines come alone.
    let at = 0;
    const drip = setInterval(() => {
      res.write(body.slice(at, (at += 3)));
      if (at >= body.length) {
        clearInterval(drip);
        res.end();
      }
    }, 1);
  });
  const { events, err } = await watchAll(url);
  assert.equal(err, null, 'the server ended the watch: done(null)');
  assert.deepEqual(events, ['ADDED a', 'MODIFIED b', 'DELETED c', 'BOOKMARK d']);
  assert.equal(queries[0]!.get('watch'), 'true');
  assert.equal(queries[0]!.get('resourceVersion'), '5');
  assert.equal(queries[0]!.has('labelSelector'), false, 'an unset parameter is not sent');
});

test('a watch fails on a line that is not an event, instead of skipping it (client-node skipped it)', async (t) => {
  const { url } = await watchServer(t, (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n{"type":"ADDED","obj`);
    res.end('ect":\n');
  });
  const { events, err } = await watchAll(url);
  assert.deepEqual(events, ['ADDED a']);
  assert.match(String(err), /GET \/api\/v1\/services\?watch=true.*bad JSON in a watch event/);
});

test('a watch event over the limit fails the watch before it is held whole', async (t) => {
  const { url } = await watchServer(t, (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const mb = Buffer.alloc(1024 * 1024, 'x');
    // 32 MB of one line, unless the client hangs up first.
    let sent = 0;
    const more = (): void => {
      while (sent < 32 && !res.destroyed) {
        sent++;
        if (!res.write(mb)) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  const { err } = await watchAll(url);
  assert.match(String(err), /a watch event of more than 16777216 bytes/);
});

test('a refused watch ends with the HTTP status and the Status message: a 410 relists', async (t) => {
  const { url } = await watchServer(t, (res) => {
    res.writeHead(410, { 'Content-Type': 'application/json' });
    res.end('{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 5 (90)","reason":"Expired","code":410}');
  });
  const { events, err } = await watchAll(url);
  assert.deepEqual(events, []);
  assert.ok(err instanceof HttpError);
  assert.equal(err.statusCode, 410);
  assert.match(err.message, /410 too old resource version: 5 \(90\)/);
});

test('an aborted watch calls done no more, and closes its connection', async (t) => {
  let closed: Promise<unknown> = Promise.resolve();
  const { url } = await watchServer(t, (res) => {
    closed = once(res, 'close');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } })}\n`);
  });
  const api = client(url);
  t.after(() => api.close());
  let doneCalls = 0;
  const first = new Promise<void>((resolve) => {
    void api.watch('/api/v1/services', {}, () => resolve(), () => doneCalls++).then((w) => first.then(() => w.abort()));
  });
  await first;
  await closed;
  await sleep(50);
  assert.equal(doneCalls, 0);
});
