#!/usr/bin/env node
// Bundles dist/src/client-node.js (what the plugin uses of @kubernetes/client-node, compiled by
// `tsc -b`) into dist/client-node.js: one ESM file, tree-shaken, with client-node's own
// dependencies inside, which is what `#client-node` (package.json "imports") loads at run time.
//
// What it leaves out, and why each is safe (a test checks the file: test/client-node.test.ts):
// - client-node's generated API models and clients (dist/gen): they only define classes, so they
//   are marked free of side effects and only what KubeConfig calls stays (its request configuration).
// - whatwg-url, which node-fetch 2 imports for Node.js versions without a global URL class.
// And what it replaces: node:http, node:https and node:http2 with Node's CommonJS faces of them
// (process.getBuiltinModule): an ESM import of node:http makes Node.js 22 and 24 read every export,
// which loads undici, TLS and HTTP/2 (13 MB of RSS); and socks-proxy-agent, where client-node's config imports it, with the class
// of dist/src/socks-proxy-agent.cjs (the package's, loaded at the first SOCKS proxy, with a fix for
// API servers named by address).
//   Without them, importing the client costs about 6 MB of RSS instead of 67.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const entry = join(packageDir, 'dist/src/client-node.js');
const outfile = join(packageDir, 'dist/client-node.js');
const socksProxyAgent = join(packageDir, 'dist/src/socks-proxy-agent.cjs');

// The bundle is ESM, but client-node's CommonJS dependencies call require() for Node's built-ins.
const BANNER = "import { createRequire as __clientNodeCreateRequire } from 'node:module';\nconst require = __clientNodeCreateRequire(import.meta.url);";

/** Replaces the modules named above and marks the generated ones as free of side effects. */
const narrow = {
  name: 'client-node-narrow',
  setup(build) {
    build.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: 'whatwg-url', namespace: 'narrow' }));
    build.onLoad({ filter: /.*/, namespace: 'narrow' }, () => ({ contents: 'export default { URL: globalThis.URL };', loader: 'js' }));
    build.onResolve({ filter: /^(node:)?https?2?$/ }, (args) => ({ path: args.path.replace(/^node:/, ''), namespace: 'builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = process.getBuiltinModule('node:${args.path}');`, loader: 'js' }));
    build.onResolve({ filter: /^socks-proxy-agent$/ }, (args) => (args.importer.includes('/client-node/dist/') ? { path: socksProxyAgent } : undefined));
    build.onResolve({ filter: /^\./ }, async (args) => {
      if (args.pluginData || !args.importer.includes('/client-node/dist/')) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: true });
      return resolved.path.includes('/client-node/dist/gen/') ? { ...resolved, sideEffects: false } : resolved;
    });
  },
};

if (!existsSync(entry)) {
  console.error(`client-node: ${entry} is missing: run tsc -b first`);
  process.exit(1);
}
let esbuild;
try {
  esbuild = await import('esbuild');
} catch (err) {
  console.error(`client-node: esbuild cannot load (${err instanceof Error ? err.message : String(err)}): run npm ci at the repository root`);
  process.exit(1);
}
await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // node-fetch's and others' ESM builds, which tree-shake.
  mainFields: ['module', 'main'],
  // V8 keeps a module's whole source while any of its functions lives; names stay for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: BANNER },
  plugins: [narrow],
  logLevel: 'error',
});
