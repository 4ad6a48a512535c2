import { definePlugin, expectArgs, expectNoBlock } from '@chaindns/core';
import { LoopDetector } from './loop.js';
import { exchangeUdp, probeTarget } from './probe.js';

/** `loop`: no arguments, no block. Probes the first zone of its server block. */
export const loop = definePlugin<null>({
  name: 'loop',
  parse(d) {
    expectArgs(d, 0, 0);
    expectNoBlock(d);
    return null;
  },
  setup(_, ctx) {
    const detector = new LoopDetector(ctx.zones[0] ?? '.', {
      // To the block's first listener, known once it listens.
      send: (qname, qtype, timeoutMs) => exchangeUdp(probeTarget(ctx.server), qname, qtype, timeoutMs),
      fatal: (error) => ctx.fatal(error),
    });
    // The probe must go out through the listeners, so it waits until this config serves.
    ctx.onListen(() => detector.probe());
    ctx.onShutdown(() => detector.stop());
    return detector.handler;
  },
});
