export { dashboard, dashboard as default, type DashboardConfig } from './setup.js';
export { createDashboard } from './dashboard.js';
