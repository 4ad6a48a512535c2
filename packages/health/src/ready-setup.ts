import { definePlugin, eachSubdirective, expectArgs, parseChoice, parseHostPort } from '@chaindns/core';
import { type HttpAddress, servePath } from './http.js';
import { readyAnswer } from './ready.js';

export interface ReadyConfig {
  readonly address: HttpAddress;
  /** `monitor continuously`: every check asked on each request; else (`until-ready`) a check once ready is not asked again. */
  readonly continuously: boolean;
}

/** `ready [ADDRESS] { monitor until-ready|continuously }`; ADDRESS defaults to `:8181`. */
export const ready = definePlugin<ReadyConfig>({
  name: 'ready',
  parse(d) {
    const [address] = expectArgs(d, 0, 1);
    let continuously = false;
    eachSubdirective(d, {
      monitor: (sub) => {
        continuously = parseChoice(expectArgs(sub, 1, 1)[0]!, ['until-ready', 'continuously']) === 'continuously';
      },
    });
    return { address: address ? parseHostPort(address, 'ready') : { host: '', port: 8181 }, continuously };
  },
  async setup(config, ctx) {
    // The primary answers for every worker (its status holds theirs).
    if (ctx.workers.index > 0) return;
    // The checks that were ready once, for this config generation (a reload asks them all again, as CoreDNS's).
    const settled = config.continuously ? undefined : new Set<string>();
    await servePath(ctx, config.address, '/ready', () => readyAnswer(ctx.status, ctx.log, settled));
  },
});
