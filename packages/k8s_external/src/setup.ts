import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createK8sExternal } from './k8s_external.js';

/** What `k8s_external` takes from its Corefile line. */
export type K8sExternalConfig = Record<string, never>;

/** `k8s_external`: no arguments, no block (yet). */
export const k8s_external = definePlugin<K8sExternalConfig>({
  name: 'k8s_external',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => createK8sExternal(),
});
