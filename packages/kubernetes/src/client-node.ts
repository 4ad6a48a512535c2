/**
 * The parts of @kubernetes/client-node the plugin calls: `KubeConfig` (kubeconfig files with their
 * exec credential plugins, OIDC and token files, the in-cluster service account) and the informer
 * (`ListWatch` over `Watch`). The plugin imports them as `#client-node` (package.json "imports"):
 * the build bundles this file with esbuild, tree-shaken, into dist/client-node.js
 * (scripts/client-node.mjs), and that is what runs. Importing the package itself loads every
 * generated API model and client: about 67 MB of RSS against about 6 MB (README, "Memory").
 */
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { ListWatch } from '@kubernetes/client-node/dist/cache.js';
export type { KubernetesObject } from '@kubernetes/client-node/dist/types.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
