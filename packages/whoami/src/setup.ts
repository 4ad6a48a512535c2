import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createWhoami } from './whoami.js';

/** `whoami`: no arguments, no block. */
export const whoami = definePlugin<null>({
  name: 'whoami',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return null;
  },
  setup: () => createWhoami(),
});
