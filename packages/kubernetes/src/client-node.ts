/**
 * The parts of @kubernetes/client-node the plugin calls: `KubeConfig` (kubeconfig files with their
 * exec credential plugins, OIDC and token files, the in-cluster service account) and `Watch` (its
 * own list-watch loop, list-watch.ts, keeps no cache of the objects as client-node's `ListWatch`
 * does). The plugin imports them as `#client-node` (package.json "imports"):
 * the build bundles this file with esbuild, tree-shaken, into dist/client-node.js
 * (scripts/client-node.mjs), and that is what runs. Importing the package itself loads every
 * generated API model and client: about 67 MB of RSS against about 6 MB (README, "Memory").
 */
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
