import { definePlugin, expectArgs, expectNoBlock, parseInteger } from '@chaindns/core';

/** CoreDNS's limit. */
export const MAX_SOCKETS = 1024;

/** `multisocket [NUM_SOCKETS]`: a number of sockets, or `auto` (CoreDNS's GOMAXPROCS: the CPUs the process may use). */
export interface MultisocketConfig {
  readonly sockets: number | 'auto';
}

/**
 * `multisocket [NUM_SOCKETS]`: how many sockets listen on each of the
 * block's addresses. In chaindns each is a worker thread with its own chain;
 * the binary reads the number before it starts (`workersOf`), and the
 * directive serves nothing itself.
 */
export const multisocket = definePlugin<MultisocketConfig>({
  name: 'multisocket',
  parse(d) {
    const [count] = expectArgs(d, 0, 1);
    expectNoBlock(d);
    return { sockets: count ? parseInteger(count, 1, MAX_SOCKETS) : 'auto' };
  },
  setup(config, ctx) {
    // The binary starts the workers; a server embedded in another program runs on its thread alone.
    if (ctx.workers.count === 1 && config.sockets !== 1) ctx.log.info('this server runs on one thread: the chaindns binary starts the workers multisocket asks for');
  },
});
