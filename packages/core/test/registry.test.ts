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
