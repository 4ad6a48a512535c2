import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { silentLogger, type Token } from '@chaindns/core';
import { freePort } from '@chaindns/core/testing';
import { formatHostPort as formatAddress, parseHostPort } from '@chaindns/core';
import { HttpEndpoint } from '../src/http.js';

const parseAddress = parseHostPort;

const token = (text: string): Token => ({ text, file: 'Corefile', line: 3, quoted: false });

test('ADDRESS parses as CoreDNS takes it', async (t) => {
  const cases: { text: string; want?: { host: string; port: number }; error?: RegExp }[] = [
    { text: ':8080', want: { host: '', port: 8080 } },
    { text: '127.0.0.1:8080', want: { host: '127.0.0.1', port: 8080 } },
    { text: '[::1]:8080', want: { host: '::1', port: 8080 } },
    { text: '[fd00::53]:0', want: { host: 'fd00::53', port: 0 } },
    { text: 'localhost:8181', want: { host: 'localhost', port: 8181 } },
    { text: 'Health.Example.org:65535', want: { host: 'health.example.org', port: 65535 } },
    { text: 'localhost', error: /Corefile:3: health: address "localhost" has no port: expected \[HOST\]:PORT, such as :8080/ },
    { text: '8080', error: /address "8080" has no port/ },
    { text: '::1:8080', error: /address "::1:8080" has too many colons \(an IPv6 address goes in brackets\)/ },
    { text: '[::1]8080', error: /has no port after the bracketed IPv6 address/ },
    { text: '[127.0.0.1]:80', error: /has "127.0.0.1" in brackets, which is not an IPv6 address/ },
    { text: 'bad_host:80', error: /has "bad_host", which is not an IP address or a host name/ },
    { text: ':65536', error: /has port "65536", which is not a number from 0 to 65535/ },
    { text: ':http', error: /has port "http"/ },
    { text: ':', error: /has port ""/ },
  ];
  for (const c of cases) {
    await t.test(c.text, () => {
      if (c.error) assert.throws(() => parseAddress(token(c.text), 'health'), c.error);
      else assert.deepEqual(parseAddress(token(c.text), 'health'), c.want);
    });
  }
});

test('formatAddress writes the shared-listener key as CoreDNS writes addresses', () => {
  assert.equal(formatAddress({ host: '', port: 8080 }), ':8080');
  assert.equal(formatAddress({ host: '::1', port: 8080 }), '[::1]:8080');
  assert.equal(formatAddress({ host: 'localhost', port: 8181 }), 'localhost:8181');
});

test('an endpoint answers the newest handler of a path, any method, and 404 elsewhere', async () => {
  const logs: string[] = [];
  const endpoint = await HttpEndpoint.open({ host: '127.0.0.1', port: 0 }, { ...silentLogger, info: (m) => void logs.push(m) });
  after(() => endpoint.close());
  assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.deepEqual(logs, [`listening on ${endpoint.url}`]);
  const get = async (path: string, method = 'GET') => {
    const res = await fetch(endpoint.url + path, { method });
    return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
  };
  assert.deepEqual(await get('/health'), { status: 404, body: '404 page not found\n', type: 'text/plain; charset=utf-8' });
  const first = endpoint.serve('/health', () => ({ status: 200, body: 'first' }));
  const second = endpoint.serve('/health', () => ({ status: 503, body: 'second' }));
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
  const holder = await HttpEndpoint.open({ host: '127.0.0.1', port }, silentLogger);
  after(() => holder.close());
  await assert.rejects(HttpEndpoint.open({ host: '127.0.0.1', port }, silentLogger), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CHAINDNS_LISTEN');
    assert.match(err.message, new RegExp(`^cannot listen on http 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    return true;
  });
});

test('a closed endpoint refuses connections', async () => {
  const endpoint = await HttpEndpoint.open({ host: '::1', port: 0 }, silentLogger);
  assert.match(endpoint.url, /^http:\/\/\[::1\]:\d+$/);
  endpoint.serve('/ready', () => ({ status: 200, body: 'OK' }));
  assert.equal((await fetch(endpoint.url + '/ready')).status, 200);
  await endpoint.close();
  await assert.rejects(fetch(endpoint.url + '/ready'), (err: Error) => (assert.match(String((err.cause as Error).message), /ECONNREFUSED/), true));
});

test('a connection that never sends a request does not hold the close', async () => {
  const endpoint = await HttpEndpoint.open({ host: '127.0.0.1', port: 0 }, silentLogger);
  const idle = net.connect(Number(new URL(endpoint.url).port), '127.0.0.1');
  after(() => idle.destroy());
  await new Promise((r) => idle.once('connect', r));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('close waited for the idle connection')), 2000)));
  await Promise.race([endpoint.close(), late]);
  clearTimeout(timer);
});
