export { k8s_external, k8s_external as default, type K8sExternalConfig } from './setup.js';
export { createK8sExternal, type K8sExternalOptions } from './k8s_external.js';
export { externalZoneSource } from './zone-source.js';
