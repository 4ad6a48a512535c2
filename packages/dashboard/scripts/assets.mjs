#!/usr/bin/env node
// Writes dist/assets.js, what `#assets` (package.json "imports") loads: the page's files as
// strings keyed by the path the dashboard serves them at (see src/assets.ts). Run after tsc,
// which compiles page/*.ts into dist/page/.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };
const typeOf = (file) => TYPES[file.slice(file.lastIndexOf('.'))];

const files = {
  '/': join(packageDir, 'page/index.html'),
  '/favicon.svg': join(packageDir, 'page/favicon.svg'),
  '/assets/dashboard.css': join(packageDir, 'page/dashboard.css'),
  // uPlot (MIT): its browser build and stylesheet, as npm ships them (the script keeps its banner).
  '/assets/uPlot.min.js': require.resolve('uplot/dist/uPlot.iife.min.js'),
  '/assets/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
  '/assets/uPlot.LICENSE': join(require.resolve('uplot/package.json'), '../LICENSE'),
};
// The page's modules, as tsc wrote them.
for (const name of readdirSync(join(packageDir, 'dist/page'))) if (name.endsWith('.js')) files[`/assets/${name}`] = join(packageDir, 'dist/page', name);

const entries = Object.entries(files).map(([path, file]) => `  ${JSON.stringify(path)}: { type: ${JSON.stringify(typeOf(file) ?? 'text/plain; charset=utf-8')}, body: ${JSON.stringify(readFileSync(file, 'utf8'))} },`);
writeFileSync(join(packageDir, 'dist/assets.js'), `// Written by scripts/assets.mjs: the dashboard page's files.\nexport const files = {\n${entries.join('\n')}\n};\n`);
