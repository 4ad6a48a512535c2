import { configError, definePlugin, expectArgs } from '@chaindns/core';
import { addRule, type FlagRules, NO_RULES } from './flags.js';
import { createHeader } from './header.js';

/** What `header` takes from its block: the flags to set and clear in queries and in replies. */
export interface HeaderConfig {
  readonly query: FlagRules;
  readonly response: FlagRules;
}

/** `header { query|response set|clear FLAGS... ... }`: at least one rule, as CoreDNS. */
export const header = definePlugin<HeaderConfig>({
  name: 'header',
  parse(d) {
    expectArgs(d, 0, 0);
    let query = NO_RULES;
    let response = NO_RULES;
    let rules = 0;
    for (const line of d.block ?? []) {
      const selector = line.name.toLowerCase();
      if (selector === 'query') query = addRule(query, line);
      else if (selector === 'response') response = addRule(response, line);
      else configError(line, `header: invalid selector "${line.name}", should be query or response`);
      rules++;
    }
    if (rules === 0) configError(d, 'header: expected a block with at least one rule: query|response set|clear FLAGS...');
    return { query, response };
  },
  setup: (config) => createHeader(config),
});
