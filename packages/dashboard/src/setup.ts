import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createDashboard } from './dashboard.js';

/** What `dashboard` takes from its Corefile line. */
export type DashboardConfig = Record<string, never>;

/** `dashboard`: no arguments, no block (yet). */
export const dashboard = definePlugin<DashboardConfig>({
  name: 'dashboard',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => createDashboard(),
});
