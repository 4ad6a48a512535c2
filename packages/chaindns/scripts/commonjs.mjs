// Turns esbuild's ESM chunks into CommonJS files (bundle.mjs). esbuild splits code into chunks only
// in ESM, but Node.js runs an ESM entry through its ESM loader: about 20 more built-in modules (the
// loader, fs/promises, readline), each compiled from source under the image's V8 flags, module
// records and an asynchronous link of every chunk. The same chunks as CommonJS hold 1.0 MB less in
// a node-local cache at rest (bench/README.md, "Footprint", eighth round).
//
// The chunks are esbuild's own output (minified whitespace and syntax, names kept), so their
// imports and exports have few forms, each rewritten here:
//   import{a,b as c}from"./x.mjs";  ->  const{a,b:c}=require("./x.cjs");
//   import"./x.mjs";                ->  require("./x.cjs");
//   import{a}from"node:fs";         ->  const{a}=require("node:fs");
//   import("./x.mjs")               ->  Promise.resolve().then(()=>require("./x.cjs"))
//   export{a,b as c};               ->  module.exports={a,c:b};   (at the end of the file)
//   export default e;               ->  const __chaindnsDefault=e; ... module.exports={default:...}
// An importer reads each binding once, when it loads: ESM's live bindings become copies. That is
// sound when no exported binding is assigned after its module has run, and when no chunk imports
// one that imports it back: toCommonJS and checkAcyclic refuse the bundle otherwise.
//
// Node's built-ins are required, not imported, for a reason of their own: an import gets the
// built-in's ESM facade, which reads every export once, lazy getters included (`node:fs` then loads
// its streams, `node:crypto` all of WebCrypto), each such module compiled from source under the
// image's V8 flags. `const{a,b:c}=require("node:fs")` reads what the code names, nothing more; and
// a built-in's default export is the module itself.
import { builtinModules } from 'node:module';
import { compileFunction } from 'node:vm';
import ts from 'typescript';

/** A chunk's name, as esbuild writes it beside the entry (`<name>-<HASH>.mjs`) or as this script renames it. */
export const CHUNK = /^[\w-]+-[A-Z0-9]{8}\.[cm]js$/;
const OWN = /^\.\/[\w-]+\.mjs$/;
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const STATIC_IMPORT = /\bimport\s*(?:([\w$]+)\s*,?\s*)?(?:\*\s*as\s+([\w$]+)\s*|\{([^}]*)\}\s*)?from\s*"([^"]+)";/g;
const BARE_IMPORT = /\bimport\s*"([^"]+)";/g;
const DYNAMIC_IMPORT = /\bimport\("(\.\/[\w-]+\.mjs)"\)/g;
const EXPORT_LIST = /\bexport\s*\{([^}]*)\};?/g;
const EXPORT_DEFAULT = /\bexport\s+default\s+/;
/** The names CommonJS's module wrapper declares: a chunk declaring one at its top level would not compile, or would hide it. */
const WRAPPER = ['exports', 'require', 'module', '__filename', '__dirname'];

/** `./x.mjs` -> `./x.cjs` */
export const commonJsName = (name) => name.replace(/\.mjs$/, '.cjs');

/** `a, b as c` -> [['a', 'a'], ['b', 'c']]: [local, imported-or-exported] pairs. */
function specifiers(list) {
  return list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [first, second = first] = s.split(/\s+as\s+/);
    return [first, second];
  });
}

/**
 * The CommonJS form of the ESM chunk `code` (named `file` in errors). Static imports of the
 * bundle's own chunks are returned in `imports`, for the caller's check of cycles.
 */
export function toCommonJS(code, file) {
  let shebang = '';
  if (code.startsWith('#!')) {
    const end = code.indexOf('\n') + 1;
    shebang = code.slice(0, end);
    code = code.slice(end);
  }
  const imports = [];
  const exported = [];
  code = code.replace(STATIC_IMPORT, (whole, name, namespace, named, from) => {
    const own = OWN.test(from);
    if (!own && !BUILTINS.has(from)) return whole;
    if (own) imports.push(from);
    const required = `require(${JSON.stringify(commonJsName(from))})`;
    const bindings = [];
    if (namespace) bindings.push(`${namespace}=${required}`);
    if (name) bindings.push(own ? `${name}=${required}.default` : `${name}=${required}`);
    const props = [];
    for (const [imported, local] of named === undefined ? [] : specifiers(named)) {
      if (imported === 'default' && !own) bindings.push(`${local}=${required}`);
      else props.push(imported === local ? local : `${imported}:${local}`);
    }
    if (props.length > 0) bindings.push(`{${props.join(',')}}=${required}`);
    return bindings.length > 0 ? `const ${bindings.join(',')};` : `${required};`;
  });
  code = code.replace(BARE_IMPORT, (whole, from) => {
    const own = OWN.test(from);
    if (!own && !BUILTINS.has(from)) return whole;
    if (own) imports.push(from);
    return `require(${JSON.stringify(commonJsName(from))});`;
  });
  code = code.replace(DYNAMIC_IMPORT, (_whole, from) => `Promise.resolve().then(()=>require(${JSON.stringify(commonJsName(from))}))`);
  const locals = [];
  code = code.replace(EXPORT_LIST, (_whole, list) => {
    for (const [local, as] of specifiers(list)) {
      locals.push(local);
      exported.push(local === as ? local : `${JSON.stringify(as)}:${local}`);
    }
    return '';
  });
  code = code.replace(EXPORT_DEFAULT, () => {
    locals.push('__chaindnsDefault');
    exported.push('default:__chaindnsDefault');
    return 'const __chaindnsDefault=';
  });
  let head = '"use strict";';
  // A chunk that finds files beside it (its native addon, the worker's entry) by its own URL.
  if (code.includes('import.meta.url')) {
    head += 'const __chaindnsUrl=require("node:url").pathToFileURL(__filename).href;';
    code = code.replaceAll('import.meta.url', '__chaindnsUrl');
  }
  // Third-party plugins are resolved from the bundle's directory, as require resolves them.
  if (code.includes('import.meta.resolve(')) {
    head += 'const __chaindnsResolve=(name)=>require("node:url").pathToFileURL(require.resolve(name)).href;';
    code = code.replaceAll('import.meta.resolve(', '__chaindnsResolve(');
  }
  if (code.includes('import.meta')) throw new Error(`${file}: import.meta in a form the CommonJS bundle cannot carry`);
  const out = `${shebang}${head}${code}${exported.length > 0 ? `\nmodule.exports={${exported.join(',')}};` : ''}\n`;
  try {
    compileFunction(out.slice(shebang.length), WRAPPER, { filename: file });
  } catch (err) {
    throw new Error(`${file}: not CommonJS once converted (${err instanceof Error ? err.message : String(err)}): an import or export esbuild wrote in a form this script does not know, or a top-level await`);
  }
  const reassigned = assignedLater(out, locals);
  if (reassigned.length > 0) throw new Error(`${file}: ${reassigned.join(', ')} exported but assigned after the module has run: an importer of the CommonJS bundle would keep the first value`);
  return { code: out, imports };
}

/** Refuses chunks that import each other (`graph`: each chunk's name to the chunks it imports): a CommonJS chunk reads its imports' bindings as it loads, and in a cycle one would still be empty. */
export function checkAcyclic(graph) {
  const done = new Set();
  const path = [];
  const visit = (name) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new Error(`chunks import each other: ${[...path.slice(path.indexOf(name)), name].join(' -> ')}`);
    path.push(name);
    for (const next of graph.get(name) ?? []) visit(next);
    path.pop();
    done.add(name);
  };
  for (const name of graph.keys()) visit(name);
}

/**
 * Which of the top-level bindings `names` some code assigns other than where it declares them:
 * TypeScript's binder tells an assignment to the module's binding from one to a local of the same name.
 */
function assignedLater(code, names) {
  const candidates = new Set(names.filter((name) => new RegExp(`(?<![\\w$.])${name.replaceAll('$', '\\$')}\\s*(?:[-+*/%&|^?]{0,3}=(?![=>])|\\+\\+|--)`).test(code)));
  if (candidates.size === 0) return [];
  const host = ts.createCompilerHost({ allowJs: true, noLib: true, noResolve: true });
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => (name === 'chunk.js' ? ts.createSourceFile(name, code, version, true, ts.ScriptKind.JS) : read(name, version));
  const program = ts.createProgram(['chunk.js'], { allowJs: true, noLib: true, noResolve: true, types: [] }, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile('chunk.js');
  const found = new Set();
  const isAssignment = (kind) => kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
  const visit = (node) => {
    let target;
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) target = node.left;
    else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) target = node.operand;
    if (target && ts.isIdentifier(target) && candidates.has(target.text)) {
      const declaration = checker.getSymbolAtLocation(target)?.valueDeclaration;
      // The module's own binding, assigned inside a function: after the module has run.
      if (declaration && declaration.getSourceFile() === source && isTopLevel(declaration) && insideFunction(node)) found.add(target.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found];
}

function isTopLevel(declaration) {
  let node = declaration.parent;
  while (node && (ts.isVariableDeclarationList(node) || ts.isVariableStatement(node))) node = node.parent;
  return node !== undefined && ts.isSourceFile(node);
}

function insideFunction(node) {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n)) return true;
  return false;
}
