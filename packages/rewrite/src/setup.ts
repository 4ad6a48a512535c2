import { definePlugin } from '@chaindns/core';
import { parseRule, type RewriteConfig } from './config.js';
import { createRewrite } from './rewrite.js';

export type { AnswerRewrite, ClassRule, CnameRule, Edns0Rule, EdnsAction, EdnsOptionRule, EdnsVariable, MatchType, Mode, NameRule, RcodeRule, RewriteConfig, RuleConfig, TtlRule, TypeRule } from './config.js';

/** True when a rule's data is the server's address, which only a block listening on one address knows. */
const usesServerIp = (config: RewriteConfig): boolean =>
  config.rules.some((r) => r.field === 'edns0' && r.option.kind === 'local' && r.option.variable === '{server_ip}');

/**
 * `rewrite [continue|stop] FIELD ARGS...`, any number of times in a block:
 * the rules run in the Corefile's order.
 */
export const rewrite = definePlugin<RewriteConfig>({
  name: 'rewrite',
  parse: (d) => ({ rules: [parseRule(d)] }),
  combine: (configs) => ({ rules: configs.flatMap((c) => c.rules) }),
  setup(config, ctx) {
    if (usesServerIp(config) && !ctx.plugins.includes('bind')) {
      ctx.log.warn('{server_ip} is known only in a block that listens on one address (bind); elsewhere a rule that needs it does not apply');
    }
    return createRewrite({ rules: config.rules, resolve: (qname, qtype) => ctx.resolve(qname, qtype), log: ctx.log });
  },
});
