export { k8s_external, k8s_external as default, type K8sExternalConfig } from './setup.js';
export { createK8sExternal } from './k8s_external.js';
