// The lint's own test: a small repository with one fault of each kind must fail with each named.
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';

const lint = new URL('./lint.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'lint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function put(path, text) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), typeof text === 'string' ? text : JSON.stringify(text, null, 2));
}

function plugin(name, extra = {}) {
  return {
    name: `@chaindns/${name}`,
    type: 'module',
    sideEffects: false,
    engines: { node: '^20.16.0 || >=22.3.0' },
    exports: { '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' } },
    peerDependencies: { '@chaindns/core': '^0.1.0' },
    ...extra,
  };
}

const readme = ['Name', 'Description', 'Syntax', 'Examples', 'Metrics', 'Ready'].map((s) => `## ${s}\n`).join('\n');
function pluginFiles(name, setup, pkg = plugin(name)) {
  put(`packages/${name}/package.json`, pkg);
  put(`packages/${name}/README.md`, readme);
  put(`packages/${name}/src/index.ts`, "export { x } from './setup.js';\n");
  put(`packages/${name}/src/setup.ts`, setup);
  put(`packages/${name}/test/setup.test.ts`, "import { test } from 'node:test';\n");
  put(`packages/${name}/test/server.test.ts`, "import { test } from 'node:test';\n");
}

test('the lint names undeclared dependencies and cross-plugin imports, and passes a clean tree', () => {
  put('tsconfig.json', { files: [], references: ['packages/core', 'packages/good', 'packages/greedy', 'packages/nosy'].map((path) => ({ path })) });
  put('packages/core/package.json', plugin('core', { peerDependencies: undefined }));
  put('packages/core/README.md', '# core\n');
  put('packages/core/src/index.ts', "export const VERSION = '0';\n");
  pluginFiles('good', "/** Loaded as import('@chaindns/other'). */\n// import { x } from 'lodash';\nimport { readFileSync } from 'node:fs';\nimport { definePlugin } from '@chaindns/core';\nexport const x = 1;\n");
  pluginFiles('greedy', "import { Registry } from 'prom-client';\nexport const x = 1;\n");
  put('packages/greedy/src/loader.cts', "import fastify = require('fastify');\nexport = { fastify, yaml: require('yaml') };\n");
  pluginFiles('nosy', "import { x as y } from '@chaindns/good';\nexport const x = y;\n", plugin('nosy', { dependencies: { '@chaindns/good': '^0.1.0' } }));
  mkdirSync(join(dir, 'examples'));
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', '.'], { cwd: dir });

  const r = spawnSync(process.execPath, [lint, dir], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /packages\/greedy\/src\/setup\.ts: imports prom-client, which @chaindns\/greedy does not declare/);
  assert.match(r.stderr, /packages\/greedy\/src\/loader\.cts: imports fastify, which @chaindns\/greedy does not declare/);
  assert.match(r.stderr, /packages\/greedy\/src\/loader\.cts: imports yaml, which @chaindns\/greedy does not declare/);
  assert.match(r.stderr, /packages\/nosy\/src\/setup\.ts: imports the plugin @chaindns\/good/);
  assert.doesNotMatch(r.stderr, /packages\/good\//);
  assert.match(r.stderr, /lint: 4 problem\(s\)/);
});
