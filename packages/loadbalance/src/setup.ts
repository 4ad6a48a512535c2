import { configError, definePlugin, eachSubdirective, expectArgs } from '@chaindns/core';
import { createLoadbalance, type LoadbalanceConfig } from './loadbalance.js';
import { parseSubnet, type Subnet } from './subnet.js';

/**
 * `loadbalance [round_robin] { prefer CIDR... }`. CoreDNS's `weighted`
 * policy and `limit_answers` are refused: chaindns does not implement them.
 */
export const loadbalance = definePlugin<LoadbalanceConfig>({
  name: 'loadbalance',
  parse(d) {
    const [policy, extra] = expectArgs(d, 0);
    if (policy && policy.text === 'weighted') {
      configError(policy, 'loadbalance: the weighted policy is not supported by chaindns; use round_robin (the default)');
    }
    if (policy && policy.text !== 'round_robin') configError(policy, `loadbalance: unknown policy "${policy.text}", expected round_robin`);
    if (extra) configError(extra, `loadbalance: unexpected argument "${extra.text}" after round_robin`);
    const prefer: Subnet[] = [];
    for (const sub of d.block ?? []) {
      if (sub.name === 'limit_answers') configError(sub, 'loadbalance: limit_answers is not supported by chaindns');
    }
    eachSubdirective(
      d,
      {
        prefer: (sub) => {
          for (const t of expectArgs(sub, 1)) {
            const subnet = parseSubnet(t.text);
            if (!subnet) configError(t, `loadbalance: prefer: "${t.text}" is not a CIDR such as 10.0.0.0/8 or fd00::/8`);
            prefer.push(subnet);
          }
        },
      },
      ['prefer'],
    );
    return { policy: 'round_robin', prefer };
  },
  setup: (config) => createLoadbalance(config),
});
