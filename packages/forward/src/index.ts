export { forward, forward as default } from './setup.js';
export { createForward, type ForwardEnv, type ForwardHandler } from './forward.js';
export { QUERY_TIMEOUT_MS, READ_TIMEOUT_MS } from './forward-query.js';
export { MAX_INFLIGHT_PER_UPSTREAM } from './proxy.js';
export type { ForwardConfig, HealthCheckConfig, Policy, StanzaConfig, TlsConfig, UpstreamAddress } from './config.js';
