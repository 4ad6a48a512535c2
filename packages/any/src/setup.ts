import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createAny } from './any.js';

/** `any` takes nothing from its Corefile line. */
export type AnyConfig = Record<string, never>;

/** `any`: no arguments, no block. */
export const any = definePlugin<AnyConfig>({
  name: 'any',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => createAny(),
});
