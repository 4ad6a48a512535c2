import type { Edns0Rule, EdnsOptionRule } from './config.js';
import { NSID, SUBNET, subnetData, variableData } from './edns-options.js';
import type { QueryState } from './query-state.js';

const EMPTY = new Uint8Array(0);

/**
 * An edns0 rule on the query's options, as CoreDNS: `set` replaces the
 * option with the code or adds it, `replace` only replaces, `append` only
 * adds (as the README says; CoreDNS's local and nsid rules add a second
 * one), `unset` removes every option with the code and counts as applied
 * even when there was none. With `revert`, the reply shows what the client
 * sent. A rule whose data this query cannot give (`{server_ip}` on a wildcard
 * listener) does not apply.
 */
export function edns0Rule(config: Edns0Rule): (q: QueryState) => boolean {
  const { action, option, revert } = config;
  const code = option.kind === 'local' ? option.code : option.kind === 'nsid' ? NSID : SUBNET;
  // CoreDNS's server echoes NSID and the local codes rewrite registers into a reply without an OPT; not the subnet.
  const shown = option.kind !== 'subnet';
  return (q) => {
    const options = q.ednsOptions();
    if (action === 'unset') {
      for (let i = options.length - 1; i >= 0; i--) {
        if (options[i]!.code !== code) continue;
        options.splice(i, 1);
        q.optionsChanged = true;
      }
      return true;
    }
    const data = optionData(option, q);
    if (data === null) return false;
    const i = options.findIndex((o) => o.code === code);
    if (i >= 0) {
      if (action === 'append') return false;
      if (revert) q.respond({ kind: 'edns', code, data: options[i]!.data });
      options[i] = { code, data };
    } else {
      if (action === 'replace') return false;
      if (revert) q.respond({ kind: 'edns', code, data: null });
      options.push({ code, data });
    }
    q.optionsChanged = true;
    if (shown) q.showInReply(code);
    return true;
  };
}

function optionData(option: EdnsOptionRule, q: QueryState): Uint8Array | null {
  switch (option.kind) {
    case 'local':
      return option.data ?? variableData(option.variable!, q.req, q.spelled, q.qtype);
    case 'nsid':
      return EMPTY;
    case 'subnet':
      return subnetData(q.req.remote, option.v4, option.v6);
  }
}
