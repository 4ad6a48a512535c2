import { isIP } from 'node:net';
import { configError, definePlugin, type Directive, parseZones, type Token, typeFromText } from '@chaindns/core';
import { createAcl } from './acl.js';
import { aclMetrics } from './metrics.js';

export type AclAction = 'allow' | 'block' | 'filter' | 'drop';

/** One `ACTION [type QTYPE...] [net SOURCE...]` line. */
export interface AclPolicy {
  readonly action: AclAction;
  /** The query types it matches; null for all (`type *`, or no `type`). */
  readonly qtypes: readonly number[] | null;
  /** The source networks it matches, as `address/prefix`; null for all (`net *`, or no `net`). */
  readonly nets: readonly string[] | null;
}

/** One `acl [ZONES...] { ... }`: its policies, tried in order, for the names under its zones. */
export interface AclRule {
  readonly zones: readonly string[];
  readonly policies: readonly AclPolicy[];
}

/** Every `acl` of a block, in Corefile order. */
export interface AclConfig {
  readonly rules: readonly AclRule[];
}

const ACTIONS: readonly string[] = ['allow', 'block', 'filter', 'drop'];
const isSection = (t: Token): boolean => /^(type|net)$/i.test(t.text);

/** `acl [ZONES...] { ACTION [type QTYPE...] [net SOURCE...] }`, as CoreDNS parses it. */
export const acl = definePlugin<AclConfig>({
  name: 'acl',
  parse(d, ctx) {
    const zones = parseZones(d.args, ctx.zones);
    return { rules: [{ zones, policies: (d.block ?? []).map(parsePolicy) }] };
  },
  combine: (configs) => ({ rules: configs.flatMap((c) => c.rules) }),
  setup: (config, ctx) => createAcl({ rules: config.rules, metrics: aclMetrics(ctx.registry), log: ctx.log }),
});

function parsePolicy(line: Directive): AclPolicy {
  const action = line.name.toLowerCase();
  if (!ACTIONS.includes(action)) configError(line, `acl: unexpected token "${line.name}"; expect 'allow', 'block', 'filter' or 'drop'`);
  if (line.block) configError(line, `acl: unexpected block after "${line.name}"`);
  let qtypes: number[] | null | undefined;
  let nets: string[] | null | undefined;
  const args = line.args;
  for (let i = 0; i < args.length; ) {
    const head = args[i]!;
    if (!isSection(head)) configError(head, `acl: unexpected token "${head.text}"; expect 'type | net'`);
    const section = head.text.toLowerCase();
    let j = i + 1;
    while (j < args.length && !isSection(args[j]!)) j++;
    const tokens = args.slice(i + 1, j);
    i = j;
    if (tokens.length === 0) configError(head, `acl: no token specified in "${section}" section`);
    // As CoreDNS: `*` matches all and ends the section's list.
    if (section === 'type') {
      qtypes = qtypes === null ? null : (qtypes ?? []);
      for (const t of tokens) {
        if (t.text === '*') {
          qtypes = null;
          break;
        }
        const qtype = typeFromText(t.text);
        if (qtype === undefined) configError(t, `acl: unexpected token "${t.text}"; expect legal QTYPE`);
        qtypes?.push(qtype);
      }
    } else {
      nets = nets === null ? null : (nets ?? []);
      for (const t of tokens) {
        if (t.text === '*') {
          nets = null;
          break;
        }
        nets?.push(parseNet(t));
      }
    }
  }
  return { action: action as AclAction, qtypes: qtypes ?? null, nets: nets ?? null };
}

/** A CIDR, or one address (as /32 or /128), checked as Go's net.ParseCIDR checks it. */
function parseNet(t: Token): string {
  const slash = t.text.indexOf('/');
  const address = slash < 0 ? t.text : t.text.slice(0, slash);
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = slash < 0 ? String(max) : t.text.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) configError(t, `acl: illegal CIDR notation "${t.text}"`);
  return `${address}/${Number(prefix)}`;
}
