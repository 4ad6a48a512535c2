import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AnyPluginDefinition, definePlugin } from '@chaindns/core';
import { assertSetupCases, checkCorefile, readmeCorefiles, type SetupCase } from '@chaindns/core/testing';
import { view } from '../src/index.js';

test('view setup (CoreDNS TestSetup)', async (t) => {
  const cases: SetupCase[] = [
    { corefile: 'view example {\n expr name() == \'example.com.\'\n }', want: { name: 'example', exprs: ["name() == 'example.com.'"] } },
    { corefile: "view example {\n expr incidr(client_ip(), '10.0.0.0/24')\n }", want: { name: 'example', exprs: ["incidr(client_ip(), '10.0.0.0/24')"] } },
    { corefile: "view example {\n expr name() == 'example.com.'\n expr name() == 'example2.com.'\n }", want: { name: 'example', exprs: ["name() == 'example.com.'", "name() == 'example2.com.'"] } },
    { corefile: 'view x', want: { name: 'x', exprs: [] } },
    { corefile: "view example {\n expr type() in ['A', 'AAAA'] and not do()\n }", want: { name: 'example', exprs: ["type() in ['A', 'AAAA'] and not do()"] } },
    { corefile: 'view', error: /Corefile:2: view: expected 1 argument, got 0/ },
    { corefile: 'view a b', error: /Corefile:2: view: expected 1 argument, got 2/ },
    { corefile: 'view example {\n foo bar\n }', error: /Corefile:3: view: unknown property "foo", expected expr/ },
    { corefile: 'view example {\n expr\n }', error: /Corefile:3: view: expr: expected at least 1 argument, got 0/ },
    { corefile: "view example {\n expr invalid expression\n }", error: /Corefile:3: view: expr: one expression expected/ },
    { corefile: "view example {\n expr name() ==\n }", error: /Corefile:3: view: expr: syntax error/ },
    { corefile: "view example {\n expr nosuchfunc() == 'x'\n }", error: /Corefile:3: view: expr: unknown function nosuchfunc\(\)/ },
    { corefile: "view example {\n expr name() + 1\n }", error: /Corefile:3: view: expr: invalid operation: \+ \(mismatched types string and number\)/ },
    { corefile: "view example {\n expr name().constructor\n }", error: /Corefile:3: view: expr: no fields here/ },
    { corefile: "view example {\n expr name() matches '('\n }", error: /Corefile:3: view: expr: error parsing regexp/ },
  ];
  await assertSetupCases(t, view, cases, { view: (c) => ({ name: c.name, exprs: c.exprs.map((e) => e.source) }) });
});

/** The directives the README's examples use besides view, parsed loosely (their own packages test them). */
const others = ['hosts', 'forward'].map((name) => definePlugin<null>({ name, parse: () => null, setup: () => undefined })) as AnyPluginDefinition[];

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.equal(examples.length, 3);
  for (const corefile of examples) checkCorefile(corefile, [view, ...others]);
});
