import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, definePlugin, expectArgs, PluginRegistry, reply, Server, type SetupContext } from '../src/index.js';
import { query, startTestServer } from '../src/testing/index.js';

/** `probe IP`: answers A with IP; its listen hook queries the server over real UDP and records what came back. */
function probePlugin(events: string[], contexts: SetupContext[]) {
  return definePlugin<string>({
    name: 'probe',
    parse: (d) => expectArgs(d, 1, 1)[0]!.text,
    setup(ip, ctx) {
      contexts.push(ctx);
      ctx.onStartup(() => void events.push(`startup ${ip}`));
      ctx.onListen(async () => {
        const port = Number(/:(\d+)$/.exec(ctx.server)![1]);
        const got = await query(port, 'probe.example', 'A');
        events.push(`listen ${ip} got ${(got.packet.answers?.[0] as { data: string }).data}`);
      });
      return { name: 'probe', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: ip }] })), 0) };
    },
  });
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('onListen hooks run once the config serves, at start and after a reload swapped it in', async () => {
  const events: string[] = [];
  const contexts: SetupContext[] = [];
  const s = await startTestServer('. {\n  probe 10.0.0.1\n}', { plugins: [probePlugin(events, contexts)] });
  try {
    await settle(200);
    assert.deepEqual(events, ['startup 10.0.0.1', 'listen 10.0.0.1 got 10.0.0.1']);
    await contexts[0]!.requestReload();
    await settle(200);
    assert.deepEqual(events.slice(2), ['startup 10.0.0.1', 'listen 10.0.0.1 got 10.0.0.1'], 'requestReload loaded the same text again');
    await s.server.reload('. {\n  probe 10.0.0.2\n}');
    await settle(200);
    assert.deepEqual(events.slice(-2), ['startup 10.0.0.2', 'listen 10.0.0.2 got 10.0.0.2']);
  } finally {
    await s.stop();
  }
});

test('requestReload rejects when the reload fails, and the old config keeps serving', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chaindns-listen-'));
  const path = join(dir, 'Corefile');
  writeFileSync(path, '. {\n  probe 10.0.0.1\n}\n');
  const contexts: SetupContext[] = [];
  const logs: string[] = [];
  const server = new Server({
    corefile: { path },
    plugins: new PluginRegistry(['probe'], [probePlugin([], contexts)]),
    dnsPort: 0,
    defaultAddresses: ['127.0.0.1'],
    logger: createLogger({ sink: (line) => logs.push(line) }),
  });
  await server.start();
  try {
    writeFileSync(path, '. {\n  nosuch\n}\n');
    await assert.rejects(contexts[0]!.requestReload(), /unknown directive "nosuch"/);
    assert.ok(logs.some((l) => l.startsWith('[ERROR] reload failed, the old config keeps serving')));
    const port = server.addresses()[0]!.port;
    assert.equal(((await query(port, 'a.example', 'A')).packet.answers?.[0] as { data: string }).data, '10.0.0.1');
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
