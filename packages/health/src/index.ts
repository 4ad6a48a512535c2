export { health, type HealthConfig } from './health-setup.js';
export { ready, type ReadyConfig } from './ready-setup.js';
export type { HttpAddress } from './http.js';
export { healthMetrics, type HealthMetrics } from './metrics.js';
