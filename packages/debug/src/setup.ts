import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';

/** `debug` takes nothing from its Corefile line. */
export type DebugConfig = Record<string, never>;

/**
 * `debug`: turns the server's debug log lines on (CoreDNS's log.D), for the
 * whole server while this config serves. It has no handler.
 */
export const debug = definePlugin<DebugConfig>({
  name: 'debug',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return {};
  },
  setup(_config, ctx) {
    ctx.enableDebug();
  },
});
