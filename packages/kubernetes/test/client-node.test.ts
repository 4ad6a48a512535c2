import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KubeConfig } from '#client-node';

// `#client-node` is dist/client-node.js, which scripts/client-node.mjs bundles from the parts of
// @kubernetes/client-node the plugin calls. kubeconfig.test.ts proves those parts work (kubeconfig
// files, exec credential plugins, in-cluster tokens as they rotate); this checks what was left out.

const bundle = new URL('../client-node.js', import.meta.url);

test('#client-node is the tree-shaken bundle: KubeConfig without the generated API models, nor client-node\'s Watch', () => {
  assert.equal(typeof KubeConfig, 'function');
  const text = readFileSync(bundle, 'utf8');
  // Every generated model carries an attributeTypeMap; the package's index loads about 700 of them.
  assert.doesNotMatch(text, /attributeTypeMap/);
  assert.doesNotMatch(text, /from ['"]@kubernetes\/client-node/, 'nothing is left to load from the package itself');
  // Its Watch fetches through node-fetch 2, whose url.parse() Node.js 24 warns about: the plugin watches by itself.
  assert.doesNotMatch(text, /doneCallOnce/);
  // Their ESM faces load undici, TLS and HTTP/2 on Node.js 22 and 24: the bundle takes the CommonJS ones.
  assert.doesNotMatch(text, /from\s*['"](node:)?https?2?['"]/);
  assert.ok(text.length < 600_000, `${text.length} bytes: the whole client is about 5 MB`);
});
