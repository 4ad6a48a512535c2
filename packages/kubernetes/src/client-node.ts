/**
 * The part of @kubernetes/client-node the plugin calls: `KubeConfig` (kubeconfig files with their
 * exec credential plugins, OIDC and token files, the in-cluster service account), which gives each
 * request its credentials and TLS (api-client.ts makes the requests: lists, and watches, which
 * client-node's `Watch` makes through node-fetch 2, whose url.parse() Node.js 24 warns about at
 * every start). The plugin imports it as `#client-node` (package.json "imports"):
 * the build bundles this file with esbuild, tree-shaken, into dist/client-node.js
 * (scripts/client-node.mjs), and that is what runs. Importing the package itself loads every
 * generated API model and client: about 67 MB of RSS against about 6 MB (README, "Memory").
 */
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
