import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, PluginRegistry, satisfies, VERSION } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';
import { readFileSync } from 'node:fs';

const plugin = (name: string, order?: { before?: string; after?: string }) => definePlugin<null>({ name, parse: () => null, setup: () => undefined, ...(order ? { order } : {}) });

test('the order table decides the chain, third-party plugins go where they ask', () => {
  const reg = new PluginRegistry(['a', 'b', 'c'], [plugin('a'), plugin('b'), plugin('c')]);
  reg.add(plugin('x', { before: 'b' })).add(plugin('y', { after: 'c' })).add(plugin('z'));
  assert.deepEqual(reg.names(), ['a', 'x', 'b', 'c', 'y', 'z']);
  assert.throws(() => reg.add(plugin('w', { after: 'nope' })), /wants to go after "nope", which is not a known directive/);
  assert.throws(() => reg.add(plugin('a')), /defined twice/);
  assert.throws(() => new PluginRegistry(['a', 'q'], [plugin('a')]), /names "q" but no definition/);
  assert.throws(() => plugin('Bad-Name'), /must be lowercase/);
});

test('a lazy entry is loaded only when a Corefile uses its directive, once per registry', async () => {
  const loads: string[] = [];
  const lazy = (name: string, definition = plugin(name)) => ({
    name,
    load: async () => {
      loads.push(name);
      return definition;
    },
  });
  const reg = new PluginRegistry(['a', 'b', 'c'], [lazy('a'), plugin('b'), lazy('c')]);
  assert.deepEqual(reg.names(), ['a', 'b', 'c'], 'listed without loading');
  assert.ok(reg.has('a') && reg.has('b') && !reg.has('z'));
  assert.deepEqual(loads, []);
  assert.throws(() => reg.get('a'), /plugin "a" is not loaded yet/);
  assert.equal(reg.get('b')?.name, 'b');
  assert.equal(reg.get('z'), undefined);

  const s = await startTestServer('. {\n  c\n}', { plugins: reg });
  await s.stop();
  assert.deepEqual(loads, ['c'], 'the server loaded what its Corefile names, nothing more');
  assert.throws(() => reg.get('c'), /not loaded yet/, 'the server loaded into its own copy');
  assert.equal((await reg.load('c'))?.name, 'c');
  assert.equal(reg.get('c')?.name, 'c');
  assert.equal(await reg.load('z'), undefined);
  await reg.load('c');
  assert.deepEqual(loads, ['c', 'c'], 'loaded once into this registry');

  assert.throws(() => reg.add(plugin('a')), /defined twice/, 'a lazy name is taken');
  reg.add(plugin('x', { before: 'a' }));
  assert.deepEqual(reg.names(), ['x', 'a', 'b', 'c'], 'third-party plugins anchor on lazy names');
  assert.throws(() => new PluginRegistry(['a'], [lazy('a'), lazy('q')]), /lazy plugin "q" must be named in the order table/);
});

test('a lazy entry that fails to load, or loads the wrong plugin, is a clear error', async () => {
  const missing = 'chaindns-no-such-package';
  const broken = new PluginRegistry(['gone', 'wrong'], [
    { name: 'gone', load: () => import(missing) },
    { name: 'wrong', load: async () => plugin('other') },
  ]);
  await assert.rejects(broken.load('gone'), { code: 'CHAINDNS_PLUGIN_NOT_FOUND', message: /plugin "gone" cannot be loaded: .*chaindns-no-such-package/ });
  await assert.rejects(broken.load('wrong'), { code: 'CHAINDNS_PLUGIN_DEFINITION', message: /the loader of "wrong" gave the definition of "other"/ });
  await assert.rejects(startTestServer('. {\n  gone\n}', { plugins: broken }), /plugin "gone" cannot be loaded/);
});

test('directives run in table order whatever the Corefile order', async () => {
  const seen: string[] = [];
  const mk = (name: string) =>
    definePlugin<null>({
      name,
      parse: () => null,
      setup: () => ({ name, serveDNS: (req, w, next) => (seen.push(name), next(req, w)) }),
    });
  const s = await startTestServer('. {\n  third\n  first\n  second\n}', { plugins: [mk('first'), mk('second'), mk('third')] });
  await s.query('example.org', 'A');
  await s.stop();
  assert.deepEqual(seen, ['first', 'second', 'third']);
});

test('configuration errors name file:line and what was expected', async (t) => {
  const once = plugin('once');
  const cases = [
    { corefile: '. {\n  once\n  once\n}', error: /Corefile:3: "once" may appear only once in a server block/ },
    { corefile: '. {\n\n  unknown\n}', error: /Corefile:3: unknown directive "unknown"; available: once/ },
    { corefile: '. {\n  once\n', error: /Corefile:1: .*unclosed/i },
  ];
  for (const c of cases) {
    await t.test(c.corefile.replace(/\s+/g, ' '), async () => {
      await assert.rejects(startTestServer(c.corefile, { plugins: [once] }), c.error);
    });
  }
});

test('satisfies() reads npm ranges; VERSION matches package.json', () => {
  const table: [string, string, boolean][] = [
    ['0.1.0', '^0.1.0', true],
    ['0.1.5', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['1.2.3', '^1.0.0', true],
    ['2.0.0', '^1.0.0', false],
    ['0.1.0', '~0.1.0', true],
    ['0.1.0', '>=0.2.0', false],
    ['0.1.0', '*', true],
    ['0.1.0', '0.1.0', true],
  ];
  for (const [v, r, want] of table) assert.equal(satisfies(v, r), want, `${v} ${r}`);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});
