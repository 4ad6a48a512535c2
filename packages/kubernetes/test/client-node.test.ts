import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KubeConfig, Watch } from '#client-node';

// `#client-node` is dist/client-node.js, which scripts/client-node.mjs bundles from the parts of
// @kubernetes/client-node the plugin calls. kubeconfig.test.ts proves those parts work (kubeconfig
// files, exec credential plugins, in-cluster tokens as they rotate); this checks what was left out.

const bundle = new URL('../client-node.js', import.meta.url);

test('#client-node is the tree-shaken bundle: KubeConfig and Watch without the generated API models', () => {
  assert.equal(typeof KubeConfig, 'function');
  assert.equal(typeof Watch, 'function');
  const text = readFileSync(bundle, 'utf8');
  // Every generated model carries an attributeTypeMap; the package's index loads about 700 of them.
  assert.doesNotMatch(text, /attributeTypeMap/);
  assert.doesNotMatch(text, /from ['"]@kubernetes\/client-node/, 'nothing is left to load from the package itself');
  assert.ok(text.length < 600_000, `${text.length} bytes: the whole client is about 5 MB`);
});
