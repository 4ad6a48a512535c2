import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyPluginDefinition, definePlugin, parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { view } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('view setup (CoreDNS TestSetup)', async (t) => {
  const cases: { block: string; name?: string; exprs?: string[]; error?: RegExp }[] = [
    { block: 'view example {\n expr name() == \'example.com.\'\n }', name: 'example', exprs: ["name() == 'example.com.'"] },
    { block: "view example {\n expr incidr(client_ip(), '10.0.0.0/24')\n }", name: 'example', exprs: ["incidr(client_ip(), '10.0.0.0/24')"] },
    { block: "view example {\n expr name() == 'example.com.'\n expr name() == 'example2.com.'\n }", name: 'example', exprs: ["name() == 'example.com.'", "name() == 'example2.com.'"] },
    { block: 'view x', name: 'x', exprs: [] },
    { block: "view example {\n expr type() in ['A', 'AAAA'] and not do()\n }", name: 'example', exprs: ["type() in ['A', 'AAAA'] and not do()"] },
    { block: 'view', error: /Corefile:2: view: expected 1 argument, got 0/ },
    { block: 'view a b', error: /Corefile:2: view: expected 1 argument, got 2/ },
    { block: 'view example {\n foo bar\n }', error: /Corefile:3: view: unknown property "foo", expected expr/ },
    { block: 'view example {\n expr\n }', error: /Corefile:3: view: expr: expected at least 1 argument, got 0/ },
    { block: "view example {\n expr invalid expression\n }", error: /Corefile:3: view: expr: one expression expected/ },
    { block: "view example {\n expr name() ==\n }", error: /Corefile:3: view: expr: syntax error/ },
    { block: "view example {\n expr nosuchfunc() == 'x'\n }", error: /Corefile:3: view: expr: unknown function nosuchfunc\(\)/ },
    { block: "view example {\n expr name() + 1\n }", error: /Corefile:3: view: expr: invalid operation: \+ \(mismatched types string and number\)/ },
    { block: "view example {\n expr name().constructor\n }", error: /Corefile:3: view: expr: no fields here/ },
    { block: "view example {\n expr name() matches '('\n }", error: /Corefile:3: view: expr: error parsing regexp/ },
  ];
  for (const c of cases) {
    await t.test(c.block.replace(/\s+/g, ' '), () => {
      const d = parseCorefile(`. {\n ${c.block}\n}`).blocks[0]!.directives[0]!;
      if (c.error) return assert.throws(() => view.parse(d, ctx), c.error);
      const config = view.parse(d, ctx);
      assert.equal(config.name, c.name);
      assert.deepEqual(config.exprs.map((e) => e.source), c.exprs);
    });
  }
});

/** The directives the README's examples use besides view, parsed loosely (their own packages test them). */
const others = ['hosts', 'forward'].map((name) => definePlugin<null>({ name, parse: () => null, setup: () => undefined })) as AnyPluginDefinition[];

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 3);
  for (const corefile of examples) checkCorefile(corefile, [view, ...others]);
});
