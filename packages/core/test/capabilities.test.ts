import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, expectArgs, PluginRegistry, reply, Server, silentLogger, type Token } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';

/** `path [DOMAINS...]`: offers a search path made of its arguments. */
const provider = definePlugin<string[]>({
  name: 'path',
  parse: (d) => d.args.map((t) => t.text),
  setup(domains, ctx) {
    ctx.offer('searchPath', { searchPath: () => domains });
  },
});

/** `user @NAME`: answers TXT with the search path NAME offers. It comes first in the chain, so it is set up before the provider. */
const user = definePlugin<{ name: string; at: Token }>({
  name: 'user',
  parse(d) {
    const [at] = expectArgs(d, 1, 1);
    return { name: at!.text.replace(/^@/, ''), at: at! };
  },
  setup(config, ctx) {
    const paths = ctx.need(config.name, 'searchPath', config.at);
    return {
      name: 'user',
      serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: (paths.value.searchPath(req) ?? []).join(' ') }] })), 0),
    };
  },
});

/** A plugin that offers nothing. */
const mute = definePlugin<null>({ name: 'mute', parse: () => null, setup: () => undefined });

const plugins = [user, provider, mute];

test('a plugin finds the capability another offers by its directive name, whatever their chain order', async () => {
  const s = await startTestServer('. {\n  path a.svc. svc.\n  user @path\n}', { plugins });
  try {
    const r = await s.query('x.example', 'TXT');
    assert.deepEqual((r.packet.answers?.[0] as { data: Buffer[] }).data.map(String), ['a.svc. svc.']);
  } finally {
    await s.stop();
  }
});

for (const [corefile, message] of [
  ['. {\n  user @path\n}', /^Corefile:2: user: needs the plugin "path" in this server block, and it is not there$/],
  ['. {\n  mute\n  user @mute\n}', /^Corefile:3: user: the plugin "mute" offers no searchPath$/],
] as const) {
  test(`a missing capability fails the start at the token that named it: ${message.source}`, async () => {
    const server = new Server({ corefile, plugins: new PluginRegistry(['user', 'path', 'mute'], plugins), logger: silentLogger, defaultAddresses: ['127.0.0.1'], dnsPort: 0 });
    await assert.rejects(server.start(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CHAINDNS_CAPABILITY');
      assert.match(err.message, message);
      return true;
    });
  });
}

/** `every`: answers TXT with the directives of every searchPath offer in its block. */
const every = definePlugin<null>({
  name: 'every',
  parse: () => null,
  setup(_config, ctx) {
    const offers = ctx.needAll('searchPath');
    return {
      name: 'every',
      serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'TXT', ttl: 0, data: offers.value.map((o) => o.directive).join(' ') || '-' }] })), 0),
    };
  },
});

for (const [corefile, found] of [
  ['. {\n  path a.\n  every\n}', 'path'],
  ['. {\n  mute\n  every\n}', '-'],
] as const) {
  test(`needAll finds every offer of a capability in the block, none when no plugin offers it: ${found}`, async () => {
    const s = await startTestServer(corefile, { plugins: [every, provider, mute] });
    try {
      const r = await s.query('x.example', 'TXT');
      assert.deepEqual((r.packet.answers?.[0] as { data: Buffer[] }).data.map(String), [found]);
    } finally {
      await s.stop();
    }
  });
}
