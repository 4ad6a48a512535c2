import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definePlugin, expectArgs, loadPlugins, parseCorefile, planBlock, PluginRegistry, type Token } from '../src/index.js';

const one = definePlugin<string>({ name: 'one', parse: (d) => expectArgs(d, 1, 1)[0]!.text, setup: () => undefined });
const many = definePlugin<string[]>({ name: 'many', parse: (d) => [expectArgs(d, 1, 1)[0]!.text], combine: (c) => c.flat(), setup: () => undefined });
const warns = definePlugin<null>({
  name: 'warns',
  parse: (d, ctx) => {
    ctx.warn(d.token, `warns: deprecated in ${ctx.zones.join(' ')} on ${ctx.port}`);
    return null;
  },
  setup: () => undefined,
});
const registry = (): PluginRegistry => new PluginRegistry(['warns', 'many', 'one'], [one, many, warns]);
const BROKEN = 'example.org:1053 {\n  one a\n  nope\n  many x\n  one b\n  many\n  warns\n  other\n}\n';

test('planBlock parses in chain order, combines repeated directives and passes warnings on', () => {
  const block = parseCorefile('example.org:1053 {\n  one a\n  many x\n  warns\n  many y\n}\n').blocks[0]!;
  const warnings: string[] = [];
  const planned = planBlock(block, registry(), { warn: (t: Token, m: string) => warnings.push(`${t.line}: ${m}`) });
  assert.deepEqual(
    planned.map((p) => [p.name, p.config]),
    [
      ['warns', null],
      ['many', ['x', 'y']],
      ['one', 'a'],
    ],
  );
  assert.deepEqual(warnings, ['4: warns: deprecated in example.org. on 1053']);
});

test('planBlock throws the first error, as a start does', () => {
  const block = parseCorefile(BROKEN).blocks[0]!;
  assert.throws(() => planBlock(block, registry(), { warn: () => {} }), /^CorefileError: Corefile:3: unknown directive "nope"; available: many, one, warns$/);
});

test('planBlock with an error sink reports every error and plans the rest', () => {
  const block = parseCorefile(BROKEN).blocks[0]!;
  const errors: string[] = [];
  const planned = planBlock(block, registry(), {
    warn: () => {},
    error: (err, at) => errors.push(`${at.token.line} ${(err as Error).message}`),
  });
  assert.deepEqual(errors, [
    '3 Corefile:3: unknown directive "nope"; available: many, one, warns',
    '8 Corefile:8: unknown directive "other"; available: many, one, warns',
    '5 Corefile:5: "one" may appear only once in a server block',
    '6 Corefile:6: many: expected 1 argument, got 0',
  ]);
  assert.deepEqual(
    planned.map((p) => p.name),
    ['warns'],
  );
});

test('planBlock reports what a parse throws, positioned at its directive', () => {
  const crash = definePlugin<null>({
    name: 'crash',
    parse: () => JSON.parse('{') as null,
    setup: () => undefined,
  });
  const block = parseCorefile('. {\n  crash\n}\n').blocks[0]!;
  const seen: [string, number][] = [];
  planBlock(block, new PluginRegistry(['crash'], [crash]), { warn: () => {}, error: (err, at) => seen.push([(err as Error).name, at.token.line]) });
  assert.deepEqual(seen, [['SyntaxError', 2]]);
});

test('loadPlugins loads what the Corefile names: lazy entries, then the fallback, checked against the core version', async () => {
  const loaded: string[] = [];
  const reg = new PluginRegistry(['one', 'many'], [one, { name: 'many', load: async () => (loaded.push('many'), many) }]);
  const corefile = parseCorefile('. {\n  one a\n  third\n  fourth\n}\n');
  const third = definePlugin<null>({ name: 'third', parse: () => null, setup: () => undefined });
  await loadPlugins(corefile, reg, async (name) => (loaded.push(name), name === 'third' ? third : undefined));
  assert.deepEqual(loaded, ['third', 'fourth'], 'many is not used: not loaded');
  assert.equal(reg.get('third'), third);
  const tooNew = definePlugin<null>({ name: 'third', parse: () => null, setup: () => undefined, requires: { core: '^99.0.0' } });
  await assert.rejects(loadPlugins(corefile, registry(), async () => tooNew), /plugin "third" requires @chaindns\/core \^99\.0\.0/);
});
