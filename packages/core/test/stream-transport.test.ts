import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { buildQuery, definePlugin, nodeStreamTransport, reply, type StreamListenOptions, type StreamTransport } from '../src/index.js';
import { silentLogger } from '../src/logger.js';
import { decodeReply, exchangeTcp, makeTestCertificates, startTestServer } from '../src/testing/index.js';
import { defaultConnectionOptions } from '../src/server/connection-table.js';

const answer = definePlugin<null>({ name: 'answer', parse: () => null, setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, {})), 0) }) });

test('a stream transport given to the server takes every stream listener (here: DNS over TCP)', async () => {
  const asked: StreamListenOptions[] = [];
  const node = nodeStreamTransport(defaultConnectionOptions, silentLogger);
  const recording: StreamTransport = { name: 'recording', listen: (options, onMessage) => (asked.push(options), node.listen(options, onMessage)) };
  const s = await startTestServer('. {\n  answer\n}', { plugins: [answer], streamTransport: recording });
  try {
    // The last ask is the listener; one before it met a port that UDP had free and TCP had not (then chosen again).
    assert.deepEqual(asked.at(-1) && [asked.at(-1)!.scheme, asked.at(-1)!.address, asked.at(-1)!.port], ['dns', '127.0.0.1', s.port]);
    assert.ok(asked.every((o) => o.scheme === 'dns' && o.address === '127.0.0.1'));
    assert.equal(decodeReply(await exchangeTcp(s.port, buildQuery('a.org', 1))).rcode, 0);
  } finally {
    await s.stop();
  }
});

test('connection limits beside a stream transport of its own are refused', async () => {
  const node = nodeStreamTransport(defaultConnectionOptions, silentLogger);
  await assert.rejects(startTestServer('. {\n  answer\n}', { plugins: [answer], streamTransport: node, tcp: { idleTimeoutMs: 1000 } }), /tcp: the connection limits are those of the default stream transport/);
});

test('a server of plain DNS loads neither node:tls nor node:http2 (3.3 MB of a process); a tls:// block loads node:tls', async () => {
  const certs = await makeTestCertificates();
  const loaded = (corefile: string): string[] => {
    // A process of its own: this one has loaded them for the other tests.
    const script = `
      const { readFileSync } = await import('node:fs');
      const { Server, PluginRegistry, definePlugin, reply, silentLogger } = await import(${JSON.stringify(new URL('../src/index.js', import.meta.url).href)});
      const answer = definePlugin({ name: 'answer', parse: () => null, setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, {})), 0) }) });
      const tls = definePlugin({ name: 'tls', parse: (d) => d, setup: (d, ctx) => ctx.tls({ cert: readFileSync(${JSON.stringify(certs.server.cert.path)}), key: readFileSync(${JSON.stringify(certs.server.key.path)}), clientAuth: 'nocert' }, d) });
      const server = new Server({ corefile: ${JSON.stringify('%COREFILE%')}, plugins: new PluginRegistry(['tls', 'answer'], [tls, answer]), dnsPort: 0, defaultAddresses: ['127.0.0.1'], logger: silentLogger });
      await server.start();
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (tls|http2)$/.test(m))));
      await server.stop();`.replace(JSON.stringify('%COREFILE%'), JSON.stringify(corefile));
    // Without the native pass's preload: it loads the test kit, TLS client and all.
    return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as string[];
  };
  try {
    assert.deepEqual(loaded('.:0 {\n  answer\n}'), []);
    assert.deepEqual(loaded('tls://.:0 {\n  tls\n  answer\n}'), ['NativeModule tls']);
  } finally {
    certs.remove();
  }
});
