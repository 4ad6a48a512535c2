import { configError, definePlugin, eachSubdirective, expectArgs, parseChoice, parseHostPort } from '@chaindns/core';
import { type HttpAddress, servePath } from './http.js';
import { readyAnswer } from './ready.js';

export interface ReadyConfig {
  readonly address: HttpAddress;
}

/**
 * `ready [ADDRESS] { monitor continuously }`; ADDRESS defaults to `:8181`.
 * Every check is asked on each request, which is CoreDNS's `monitor
 * continuously`; its default, `until-ready`, is refused rather than ignored.
 */
export const ready = definePlugin<ReadyConfig>({
  name: 'ready',
  parse(d) {
    const [address] = expectArgs(d, 0, 1);
    eachSubdirective(d, {
      monitor: (sub) => {
        const mode = expectArgs(sub, 1, 1)[0]!;
        if (parseChoice(mode, ['until-ready', 'continuously']) === 'until-ready') {
          configError(mode, 'ready: monitor until-ready is not supported: chaindns asks every readiness check on each request (monitor continuously)');
        }
      },
    });
    return { address: address ? parseHostPort(address, 'ready') : { host: '', port: 8181 } };
  },
  async setup(config, ctx) {
    // The primary answers for every worker (its status holds theirs).
    if (ctx.workers.index > 0) return;
    await servePath(ctx, config.address, '/ready', () => readyAnswer(ctx.status, ctx.log));
  },
});
