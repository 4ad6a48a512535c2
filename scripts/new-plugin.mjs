#!/usr/bin/env node
// npm run new-plugin NAME [-- --after DIRECTIVE]: a new plugin package with the house anatomy
// (CONTRIBUTING.md), wired into the distribution, that builds, lints and passes its tests as it is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { after: { type: 'string' }, root: { type: 'string' }, 'no-install': { type: 'boolean' } } });
const root = values.root ?? new URL('..', import.meta.url).pathname;
const name = positionals[0];
const die = (message) => {
  console.error(`new-plugin: ${message}`);
  process.exit(2);
};
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) die('usage: npm run new-plugin NAME [-- --after DIRECTIVE] (NAME: lowercase letters, digits and _, the Corefile directive)');
const dir = join(root, 'packages', name);
if (existsSync(dir)) die(`packages/${name} exists already`);

const pascal = name.replace(/(^|_)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
const read = (p) => readFileSync(join(root, p), 'utf8');
const write = (p, text) => {
  mkdirSync(join(root, p, '..'), { recursive: true });
  writeFileSync(join(root, p), text);
};
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
const version = JSON.parse(read('packages/core/package.json')).version;
const range = `^${version}`;

// Where the directive goes in the chain: after --after, else before whoami (the end of CoreDNS's order).
const pluginsFile = 'packages/chaindns/src/plugins.ts';
let plugins = read(pluginsFile);
const orderMatch = /export const ORDER = \[([^\]]*)\] as const;/.exec(plugins);
if (!orderMatch) die(`${pluginsFile}: ORDER not found`);
const order = orderMatch[1].split(',').map((s) => s.trim().replace(/^'|'$/g, '')).filter(Boolean);
if (order.includes(name)) die(`"${name}" is in the distribution's ORDER already`);
const after = values.after ?? order[order.indexOf('whoami') - 1] ?? order.at(-1);
if (!order.includes(after)) die(`--after ${after}: no such directive in ORDER (${order.join(', ')})`);
order.splice(order.indexOf(after) + 1, 0, name);
plugins = plugins.replace(orderMatch[0], `export const ORDER = [${order.map((d) => `'${d}'`).join(', ')}] as const;`);
const entry = (d) => new RegExp(`^  \\{ name: '${d}', load: .*$`, 'm');
const previous = entry(after).exec(plugins);
if (!previous) die(`${pluginsFile}: no lazy entry for "${after}"`);
plugins = plugins.replace(previous[0], `${previous[0]}\n  { name: '${name}', load: async () => (await import('@chaindns/${name}')).${name} },`);

write(`packages/${name}/package.json`, json({
  name: `@chaindns/${name}`,
  version,
  description: `The ${name} plugin`,
  type: 'module',
  license: 'Apache-2.0',
  sideEffects: false,
  engines: { node: '^20.16.0 || >=22.3.0' },
  exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' } },
  files: ['dist/src', 'README.md'],
  scripts: { build: 'tsc -b', test: 'node --test dist/test/*.test.js' },
  peerDependencies: { '@chaindns/core': range },
  devDependencies: { '@chaindns/core': range },
}));
write(`packages/${name}/tsconfig.json`, json({ extends: '../../tsconfig.base.json', compilerOptions: { rootDir: '.', outDir: 'dist' }, include: ['src', 'test'], references: [{ path: '../core' }] }));
write(`packages/${name}/src/index.ts`, `export { ${name}, ${name} as default, type ${pascal}Config } from './setup.js';\nexport { create${pascal} } from './${name}.js';\n`);
write(`packages/${name}/src/setup.ts`, `import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { create${pascal} } from './${name}.js';

/** What \`${name}\` takes from its Corefile line. */
export type ${pascal}Config = Record<string, never>;

/** \`${name}\`: no arguments, no block (yet). */
export const ${name} = definePlugin<${pascal}Config>({
  name: '${name}',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => create${pascal}(),
});
`);
write(`packages/${name}/src/${name}.ts`, `import type { Handler, Next, Request, ResponseWriter, Result } from '@chaindns/core';

/** The \`${name}\` handler: passes every query on, for now. */
export function create${pascal}(): Handler {
  return {
    name: '${name}',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      return next(req, w);
    },
  };
}
`);
write(`packages/${name}/test/setup.test.ts`, `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCorefile } from '@chaindns/core';
import { checkCorefile, readmeCorefiles } from '@chaindns/core/testing';
import { ${name} } from '../src/index.js';

const ctx = { zones: ['.'], port: 53, warn: () => {} };

test('${name} setup', async (t) => {
  const cases: { line: string; want?: object; error?: RegExp }[] = [
    { line: '${name}', want: {} },
    { line: '${name} extra', error: /Corefile:2: ${name}: expected 0 arguments, got 1/ },
  ];
  for (const c of cases) {
    await t.test(c.line, () => {
      const d = parseCorefile(\`. {\\n \${c.line}\\n}\`).blocks[0]!.directives[0]!;
      if (c.error) assert.throws(() => ${name}.parse(d, ctx), c.error);
      else assert.deepEqual(${name}.parse(d, ctx), c.want);
    });
  }
});

test('the README examples parse', () => {
  const examples = readmeCorefiles(new URL('../../README.md', import.meta.url).pathname);
  assert.ok(examples.length > 0);
  for (const corefile of examples) checkCorefile(corefile, [${name}]);
});
`);
write(`packages/${name}/test/${name}.test.ts`, `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rcode } from '@chaindns/core';
import { endOfChain, makeRequest, serveWith } from '@chaindns/core/testing';
import { create${pascal} } from '../src/index.js';

test('${name} passes a query on', async () => {
  const { rcode, recorder } = await serveWith(create${pascal}(), makeRequest('example.org', 'A'), endOfChain);
  assert.equal(rcode, Rcode.SERVFAIL);
  assert.equal(recorder.writes, 0);
});
`);
write(`packages/${name}/test/server.test.ts`, `import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { definePlugin, reply } from '@chaindns/core';
import { startTestServer, type TestServer } from '@chaindns/core/testing';
import { ${name} } from '../src/index.js';

/** Answers every query, after ${name}. */
const answer = definePlugin<null>({
  name: 'answer',
  parse: () => null,
  setup: () => ({ name: 'answer', serveDNS: (req, w) => (w.write(reply(req, { answers: [{ name: req.qnameRaw, type: 'A', ttl: 0, data: '192.0.2.1' }] })), 0) }),
});

let s: TestServer;
before(async () => {
  s = await startTestServer('. {\\n  ${name}\\n  answer\\n}', { plugins: [${name}, answer] });
});
after(() => s.stop());

for (const transport of ['udp', 'tcp'] as const) {
  test(\`${name} over real \${transport} sockets\`, async () => {
    const r = await s.query('example.org', 'A', { transport });
    assert.equal((r.packet.answers?.[0] as { data?: string } | undefined)?.data, '192.0.2.1');
  });
}
`);
write(`packages/${name}/README.md`, `# ${name}

## Name
*${name}* - what it does, in one line.

## Description
What it does, as CoreDNS's README of the same plugin says it, and where chaindns differs.

## Syntax
~~~ txt
${name}
~~~

## Examples
~~~ corefile
. {
    ${name}
}
~~~

## Metrics
None.

## Ready
Always ready.
`);

// The root project, the distribution's dependency and references.
const tsconfig = JSON.parse(read('tsconfig.json'));
tsconfig.references.push({ path: `packages/${name}` });
write('tsconfig.json', json(tsconfig));
const dist = JSON.parse(read('packages/chaindns/package.json'));
dist.dependencies[`@chaindns/${name}`] = range;
dist.dependencies = Object.fromEntries(Object.entries(dist.dependencies).sort(([a], [b]) => a.localeCompare(b)));
write('packages/chaindns/package.json', json(dist));
const distTsconfig = JSON.parse(read('packages/chaindns/tsconfig.json'));
distTsconfig.references.push({ path: `../${name}` });
write('packages/chaindns/tsconfig.json', json(distTsconfig));
write(pluginsFile, plugins);

if (!values['no-install']) execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: root, stdio: 'inherit' });
console.log(`new-plugin: packages/${name} (@chaindns/${name}), after "${after}" in the chain. Next: npm run build && npm test -w @chaindns/${name}; then the README and CONTRIBUTING.md.`);
