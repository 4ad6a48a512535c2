#!/usr/bin/env node
// Bundles the `chaindns` binary (dist/src/cli.js, built by `npm run build`) and everything it imports
// into one directory of CommonJS files that runs with plain `node` and no node_modules beside it:
//
//   node scripts/bundle.mjs [--outdir DIR]     (default dist/bundle)
//
// writes DIR/chaindns.cjs, the chunks it loads (DIR/*-HASH.cjs), and beside them each native addon
// the bundled code loads (the batched UDP transport's udp_native.node) when that addon has been
// built. Code that the binary imports only when a Corefile uses it (each plugin package, the
// Kubernetes client, the native transport) is a chunk of its own, read and compiled only then: V8
// keeps a module's whole source in memory while any of its functions lives, so one file of every
// plugin held 6.8 MB of source and cost a whoami server 68 MB of RSS against 45 MB split (bench/
// README.md, "Footprint"). esbuild splits only in ESM; commonjs.mjs turns its chunks into CommonJS,
// which Node.js loads without its ESM loader. An addon cannot be inlined: a package
// loads it at run time from `new URL('<dir>/build/Release/<name>.node', import.meta.url)`. Inside the
// bundle import.meta.url is the chunk's own URL, so this script rewrites each such URL to
// `./<name>.node` and copies the file there. Where the addon is missing (not built, or another
// platform) the package's own check finds no file and chaindns falls back to dgram.
//
// What the bundle cannot carry is code that reads its own package's files by path at run time
// (pino's worker-thread transports): those paths stop existing once bundled. etcd3, the etcd
// plugin's client, reads its gRPC definitions so: the script hands it the same definitions, parsed
// at bundle time (etcdProtos below).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CHUNK, checkAcyclic, commonJsName, toCommonJS } from './commonjs.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'dist/src/cli.js');
const OUTPUT = 'chaindns.cjs';

/** `new URL('<relative>/build/Release/<name>.node', import.meta.url)`: how a package finds its addon. */
const ADDON_URL = /new URL\((['"`])((?:\.{1,2}\/)+build\/Release\/([\w.-]+\.node))\1,\s*import\.meta\.url\)/g;

/** Rewrites addon URLs to sit beside the bundle, and records which files to copy there. */
function nativeAddons(addons) {
  return {
    name: 'chaindns-native-addons',
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('build/Release/')) return undefined;
        const contents = source.replace(ADDON_URL, (_match, quote, rel, name) => {
          const built = fileURLToPath(new URL(rel, pathToFileURL(args.path)));
          const known = addons.get(name);
          if (known && known !== built) throw new Error(`two addons are named ${name}: ${known} and ${built}`);
          addons.set(name, built);
          return `new URL(${quote}./${name}${quote}, import.meta.url)`;
        });
        if (contents === source) {
          // A dependency's own loader (node-gyp-build and the like) is not ours to rewrite.
          if (args.path.includes('/node_modules/')) return undefined;
          throw new Error(`${args.path} names build/Release/ in a form this script does not rewrite: load the addon with new URL('../../build/Release/<name>.node', import.meta.url)`);
        }
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * etcd3 (the etcd plugin's client) reads its gRPC definitions from .proto files of its package when it loads
 * (`loadSync(`${__dirname}/../proto/rpc.proto`)`), files the bundle does not carry: the bundle hands it the same
 * definitions, parsed now (@grpc/proto-loader's fromJSON takes what loadSync reads).
 */
function etcdProtos() {
  const LOAD = /\(0, proto_loader_1\.loadSync\)\(`\$\{__dirname\}\/\.\.\/proto\/rpc\.proto`, /;
  return {
    name: 'chaindns-etcd3-protos',
    setup(build) {
      build.onLoad({ filter: /[\\/]etcd3[\\/]lib[\\/]connection-pool\.js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!LOAD.test(source)) throw new Error(`${args.path}: etcd3 no longer loads proto/rpc.proto as this script expects: update etcdProtos()`);
        const loader = createRequire(args.path).resolve('@grpc/proto-loader');
        const protobuf = createRequire(loader)('protobufjs');
        const root = new protobuf.Root();
        root.loadSync(join(dirname(args.path), '../proto/rpc.proto'), { keepCase: true });
        return { contents: source.replace(LOAD, `(0, proto_loader_1.fromJSON)(${JSON.stringify(root.toJSON())}, `), loader: 'js' };
      });
    },
  };
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch (err) {
    throw new Error(`esbuild cannot load (${err instanceof Error ? err.message : String(err)}): run npm ci at the repository root`);
  }
}

/**
 * Bundles `entry` (default the built CLI) into `outdir`; resolves with the entry's path, the bytes
 * of every file written, and the addons placed beside them.
 */
export async function bundle(outdir, { entry = cli } = {}) {
  if (!existsSync(entry)) throw new Error(`${relative(process.cwd(), entry)} is missing: build first (npm run build at the repository root)`);
  const esbuild = await loadEsbuild();
  const addons = new Map();
  mkdirSync(outdir, { recursive: true });
  // An earlier build's chunks have other hashes: never leave them beside this one.
  for (const name of readdirSync(outdir)) if (/^chaindns\.[cm]js$/.test(name) || CHUNK.test(name)) rmSync(join(outdir, name));
  const outfile = join(outdir, OUTPUT);
  const result = await esbuild.build({
    entryPoints: { chaindns: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // V8 keeps a module's whole source in memory while any of its functions lives: without
    // whitespace the code is 60% smaller. Names are not mangled, so stack traces still name their functions.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [nativeAddons(addons), etcdProtos()],
    logLevel: 'warning',
  });
  const graph = new Map();
  let bytes = 0;
  for (const path of Object.keys(result.metafile.outputs)) {
    if (!path.endsWith('.mjs')) continue;
    const converted = toCommonJS(readFileSync(path, 'utf8'), relative(outdir, path));
    const name = commonJsName(path);
    writeFileSync(name, converted.code);
    rmSync(path);
    bytes += Buffer.byteLength(converted.code);
    graph.set(relative(outdir, name), converted.imports.map(commonJsName).map((i) => i.slice(2)));
  }
  checkAcyclic(graph);
  chmodSync(outfile, 0o755);
  const placed = [];
  const missing = [];
  for (const [name, built] of addons) {
    if (existsSync(built)) {
      copyFileSync(built, join(outdir, name));
      placed.push(name);
    } else {
      rmSync(join(outdir, name), { force: true }); // never leave an earlier build's addon beside this bundle
      missing.push(`${name} (${relative(process.cwd(), built)} is not built: the bundle falls back to dgram)`);
    }
  }
  return { outfile, bytes, entryBytes: statSync(outfile).size, files: graph.size, placed, missing };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(packageDir, 'dist/bundle') } } });
  bundle(resolve(values.outdir)).then(
    (result) => {
      console.log(`${result.outfile}: ${(result.entryBytes / 1024).toFixed(0)} KiB, ${result.files} files with its chunks: ${(result.bytes / 1024 / 1024).toFixed(1)} MiB`);
      for (const name of result.placed) console.log(`${join(dirname(result.outfile), name)}: native addon`);
      for (const note of result.missing) console.log(`no native addon: ${note}`);
    },
    (err) => {
      console.error(`bundle: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
