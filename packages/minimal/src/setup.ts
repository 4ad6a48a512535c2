import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createMinimal } from './minimal.js';

/** What `minimal` takes from its Corefile line. */
export type MinimalConfig = Record<string, never>;

/** `minimal`: no arguments, no block. */
export const minimal = definePlugin<MinimalConfig>({
  name: 'minimal',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => createMinimal(),
});
