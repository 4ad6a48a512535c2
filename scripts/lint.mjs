#!/usr/bin/env node
// Checks what the compiler cannot: every package keeps the house anatomy (see the core README and
// each plugin's README), and the repository names nothing outside itself.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The repository to check: this one, or the one named by the first argument (the lint's own test).
const root = process.argv[2] ? join(process.argv[2], '/') : new URL('..', import.meta.url).pathname;
const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);
const read = (p) => readFileSync(join(root, p), 'utf8');
const MAX_LINES = 400;
/** process.getBuiltinModule came in Node.js 20.16 and 22.3. */
const ENGINES = '^20.16.0 || >=22.3.0';
/** A value import of node:http, node:https or node:http2 (`import type` is free). */
const ESM_HTTP = /^import\s+(?!type\s)[^;]*?from\s+['"]node:https?2?['"]/m;
const README_SECTIONS = ['## Name', '## Description', '## Syntax', '## Examples', '## Metrics', '## Ready'];
const NOT_PLUGINS = new Set(['core', 'chaindns', 'udp-native']);
// The only plugins that import another: each is built on the other's engine, as in CoreDNS (its secondary
// is file's Zone with transfers in). An engine that a third plugin needs moves into core instead.
const BUILT_ON = new Map([['@chaindns/secondary', ['@chaindns/file']]]);
const BUILTINS = new Set(builtinModules);
// Static imports and re-exports, side-effect imports, literal dynamic imports, and CommonJS requires.
const IMPORT = /\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;

const tsconfigRefs = JSON.parse(read('tsconfig.json')).references.map((r) => r.path);

function walk(dir) {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    return name === 'node_modules' || name === 'dist' ? [] : statSync(join(root, rel)).isDirectory() ? walk(rel) : [rel];
  });
}

/** The package an import specifier names (`@scope/name/sub` -> `@scope/name`), or null for a relative path, the package's own `#import` or a builtin. */
function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('#') || spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0])) return null;
  return spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
}

/**
 * Every import names a package the importer declares: src in dependencies or peerDependencies
 * (what an installed package gets), tests and benches in devDependencies too. A plugin imports
 * no other plugin (capabilities go through core), in src and tests alike, unless BUILT_ON says so.
 */
function checkImports(dir, pkg, isPlugin, pluginNames) {
  const runtime = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const dev = new Set([...runtime, ...Object.keys(pkg.devDependencies ?? {})]);
  for (const file of walk(dir).filter((f) => /\.(ts|mts|cts|js|mjs|cjs)$/.test(f) && !/\.d\.c?ts$/.test(f))) {
    const inSrc = file.startsWith(`${dir}/src/`);
    // Comments may show imports as examples; only code counts.
    const code = read(file).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(IMPORT)) {
      const name = packageOf(m[1] ?? m[2] ?? m[3] ?? m[4]);
      if (name === null) continue;
      if (!(inSrc ? runtime : dev).has(name)) fail(file, `imports ${name}, which ${pkg.name} does not declare${inSrc ? ' in dependencies or peerDependencies' : ''}`);
      if (isPlugin && name !== pkg.name && pluginNames.has(name) && !BUILT_ON.get(pkg.name)?.includes(name)) fail(file, `imports the plugin ${name}: plugins depend on @chaindns/core only (find another plugin's capability through core)`);
    }
  }
}

const pluginNames = new Set(
  readdirSync(join(root, 'packages'))
    .filter((name) => !NOT_PLUGINS.has(name) && existsSync(join(root, 'packages', name, 'package.json')))
    .map((name) => JSON.parse(read(`packages/${name}/package.json`)).name),
);

for (const name of readdirSync(join(root, 'examples'))) {
  const dir = `examples/${name}`;
  if (!existsSync(join(root, dir, 'package.json'))) continue;
  const pkg = JSON.parse(read(`${dir}/package.json`));
  if (!tsconfigRefs.includes(dir)) fail(dir, 'missing from the root tsconfig.json references');
  if (!existsSync(join(root, dir, 'README.md'))) fail(dir, 'README.md is missing');
  checkImports(dir, pkg, name.startsWith('plugin-'), pluginNames);
}

for (const name of readdirSync(join(root, 'packages'))) {
  const dir = `packages/${name}`;
  if (!existsSync(join(root, dir, 'package.json'))) continue;
  const pkg = JSON.parse(read(`${dir}/package.json`));
  checkImports(dir, pkg, !NOT_PLUGINS.has(name), pluginNames);
  if (!tsconfigRefs.includes(dir)) fail(dir, 'missing from the root tsconfig.json references');
  if (pkg.type !== 'module') fail(dir, 'package.json: "type" must be "module"');
  if (!pkg.exports?.['.']?.types) fail(dir, 'package.json: exports["."] must carry types');
  if (pkg.sideEffects !== false) fail(dir, 'package.json: "sideEffects" must be false');
  if (pkg.engines?.node !== ENGINES) fail(dir, `package.json: engines.node must be "${ENGINES}"`);
  if (!existsSync(join(root, dir, 'README.md'))) fail(dir, 'README.md is missing');
  const index = `${dir}/src/index.ts`;
  if (!existsSync(join(root, index))) fail(dir, 'src/index.ts is missing');
  else if (read(index).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').split(';').some((s) => s.trim() && !/^export\s/.test(s.trim()))) fail(index, 'must hold re-exports only');
  for (const file of walk(`${dir}/src`).filter((f) => f.endsWith('.ts'))) {
    const text = read(file);
    if (/(:|\bas|<)\s*any\b/.test(text)) fail(file, 'uses `any`');
    if (ESM_HTTP.test(text)) fail(file, "imports node:http, node:https or node:http2 as ESM, whose face loads undici, TLS and HTTP/2 on Node.js 22+: take process.getBuiltinModule('node:http') (CONTRIBUTING.md)");
    const lines = text.split('\n').length;
    if (lines > MAX_LINES) fail(file, `${lines} lines: split it by what it holds (limit ${MAX_LINES})`);
  }
  if (NOT_PLUGINS.has(name)) continue;
  if (!pkg.peerDependencies?.['@chaindns/core']) fail(dir, 'a plugin has @chaindns/core as a peer dependency');
  const src = readdirSync(join(root, dir, 'src'));
  if (!src.some((f) => /(^|-)setup\.ts$/.test(f))) fail(dir, 'a plugin has src/setup.ts (or <directive>-setup.ts)');
  const tests = existsSync(join(root, dir, 'test')) ? readdirSync(join(root, dir, 'test')) : [];
  if (!tests.some((f) => /(^|-)setup\.test\.ts$/.test(f))) fail(dir, 'a plugin has test/setup.test.ts (or <directive>-setup.test.ts)');
  if (!tests.some((f) => /server\.test\.ts$/.test(f))) fail(dir, 'a plugin has test/server.test.ts (real sockets)');
  const readme = existsSync(join(root, dir, 'README.md')) ? read(`${dir}/README.md`) : '';
  for (const s of README_SECTIONS) if (!readme.includes(s)) fail(`${dir}/README.md`, `missing the section "${s}"`);
}

// Nothing in the repository names a path outside it (its own files are all it may rely on).
// Built, not written, so this file does not name them itself.
const outside = [`${dirname(root.replace(/\/$/, ''))}/`, ['..', 'shared', ''].join('/')];
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter((f) => f && f !== 'package-lock.json');
for (const file of tracked) {
  if (!existsSync(join(root, file))) continue;
  const text = read(file);
  if (outside.some((o) => text.includes(o))) fail(file, 'names a path outside the repository');
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`lint: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log('lint: every package keeps the anatomy');
