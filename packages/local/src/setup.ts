import { definePlugin, eachSubdirective, expectArgs, parseChoice } from '@chaindns/core';
import { createLocal } from './local.js';
import { localMetrics } from './metrics.js';

/** What `local` takes from its Corefile lines. */
export interface LocalConfig {
  /** `localhost_prefix on|off` (default on): `localhost.<domain>` names answer as `.localhost.` ones. */
  readonly localhostPrefix: boolean;
}

/** `local [{ localhost_prefix on|off }]`. */
export const local = definePlugin<LocalConfig>({
  name: 'local',
  parse(d) {
    expectArgs(d, 0, 0);
    let localhostPrefix = true;
    eachSubdirective(d, {
      localhost_prefix(sub) {
        localhostPrefix = parseChoice(expectArgs(sub, 1, 1)[0]!, ['on', 'off']) === 'on';
      },
    });
    return { localhostPrefix };
  },
  setup(config, ctx) {
    const requests = localMetrics(ctx.registry);
    return createLocal({
      localhostPrefix: config.localhostPrefix,
      onLocalhost(req) {
        requests.inc();
        ctx.log.debug(`Intercepting localhost query for "${req.qname}" ${req.qtypeName}, from ${req.remote.address}`);
      },
    });
  },
});
