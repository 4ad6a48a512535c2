import { definePlugin, eachSubdirective, expectArgs, parseDuration, parseInteger, type Directive } from '@chaindns/core';
import { createErratic } from './erratic.js';

/** What `erratic` takes from its block: 1 query in N is dropped, truncated or delayed (0: never). */
export interface ErraticConfig {
  readonly drop: number;
  readonly truncate: number;
  readonly delay: number;
  /** How long a delayed query waits, in milliseconds. */
  readonly duration: number;
  /** Undocumented in CoreDNS too: 30 A records per answer, to test large replies. */
  readonly large: boolean;
}

/** An AMOUNT: a non-negative integer that fits Go's int32. */
const amount = (d: Directive, i = 0): number | undefined => (d.args[i] ? parseInteger(d.args[i]!, 0, 2 ** 31 - 1) : undefined);

/** `erratic { drop [AMOUNT]; truncate [AMOUNT]; delay [AMOUNT [DURATION]] }`, with CoreDNS's defaults. */
export const erratic = definePlugin<ErraticConfig>({
  name: 'erratic',
  parse(d) {
    expectArgs(d, 0, 0);
    // Drop 1 in 2 by default, unless only delay or truncate is asked for.
    let drop: number | undefined;
    let truncate = 0;
    let delay = 0;
    let duration = 0;
    let large = false;
    eachSubdirective(
      d,
      {
        drop: (sub) => (expectArgs(sub, 0, 1), (drop = amount(sub) ?? 2)),
        truncate: (sub) => (expectArgs(sub, 0, 1), (truncate = amount(sub) ?? 2)),
        delay: (sub) => {
          expectArgs(sub, 0, 2);
          delay = amount(sub) ?? 2;
          duration = sub.args[1] ? parseDuration(sub.args[1]) : 100;
        },
        large: (sub) => (expectArgs(sub, 0, 0), (large = true)),
      },
      ['drop', 'truncate', 'delay'],
    );
    return { drop: drop ?? (delay > 0 || truncate > 0 ? 0 : 2), truncate, delay, duration, large };
  },
  setup(config, ctx) {
    const handler = createErratic(config);
    ctx.registerReady('erratic', handler.ready);
    ctx.offer('searchPath', handler);
    return handler;
  },
});
