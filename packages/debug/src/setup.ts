import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createDebug } from './debug.js';

/** What `debug` takes from its Corefile line. */
export type DebugConfig = Record<string, never>;

/** `debug`: no arguments, no block (yet). */
export const debug = definePlugin<DebugConfig>({
  name: 'debug',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => createDebug(),
});
