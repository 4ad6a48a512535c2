import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { createDnstap } from './dnstap.js';

/** What `dnstap` takes from its Corefile line. */
export type DnstapConfig = Record<string, never>;

/** `dnstap`: no arguments, no block (yet). */
export const dnstap = definePlugin<DnstapConfig>({
  name: 'dnstap',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup: () => createDnstap(),
});
