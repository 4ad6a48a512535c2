import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KubeConfig, ListWatch, Watch } from '#client-node';

// `#client-node` is dist/client-node.js, which scripts/client-node.mjs bundles from the parts of
// @kubernetes/client-node the plugin calls. kubeconfig.test.ts proves those parts work (kubeconfig
// files, exec credential plugins, in-cluster tokens as they rotate); this checks what was left out.

const bundle = new URL('../client-node.js', import.meta.url);

test('#client-node is the tree-shaken bundle: KubeConfig, ListWatch and Watch without the generated API models', () => {
  assert.equal(typeof KubeConfig, 'function');
  assert.equal(typeof ListWatch, 'function');
  assert.equal(typeof Watch, 'function');
  const text = readFileSync(bundle, 'utf8');
  // Every generated model carries an attributeTypeMap; the package's index loads about 700 of them.
  assert.doesNotMatch(text, /attributeTypeMap/);
  assert.doesNotMatch(text, /from ['"]@kubernetes\/client-node/, 'nothing is left to load from the package itself');
  assert.ok(text.length < 600_000, `${text.length} bytes: the whole client is about 5 MB`);
});

test('the informer serializes its selectors as strings, the one call the stand-in serializer serves', async () => {
  const paths: Record<string, unknown>[] = [];
  const watch = { watch: async (_path: string, params: Record<string, unknown>) => (paths.push(params), new AbortController()) } as unknown as Watch;
  const informer = new ListWatch('/api/v1/services', watch, async () => ({ metadata: { resourceVersion: '1' }, items: [] }), false, 'app=dns', 'metadata.name=x');
  await informer.start();
  await informer.stop();
  assert.deepEqual(paths.map((p) => [p.labelSelector, p.fieldSelector]), [['app=dns', 'metadata.name=x']]);
});
