import { configError, type Directive, Flag } from '@chaindns/core';

/** The header flags CoreDNS's header plugin sets and clears, by their Corefile names. */
const FLAGS: Readonly<Record<string, number>> = { aa: Flag.AA, ra: Flag.RA, rd: Flag.RD };

/** What a list of rules comes to: the bits to set and the bits to clear, the later rule winning. */
export interface FlagRules {
  readonly set: number;
  readonly clear: number;
}

export const NO_RULES: FlagRules = { set: 0, clear: 0 };

/** Adds `ACTION FLAGS...` (a `query` or `response` line) to `rules`; case does not matter, as CoreDNS. */
export function addRule(rules: FlagRules, line: Directive): FlagRules {
  const [action, ...flags] = line.args;
  if (!action) configError(line, `header: ${line.name}: no flag action provided, expected set or clear`);
  const verb = action.text.toLowerCase();
  if (verb !== 'set' && verb !== 'clear') configError(action, `header: ${line.name}: unknown flag action "${action.text}", should be set or clear`);
  if (flags.length === 0) configError(line, `header: ${line.name}: at least one flag should be provided (aa, ra, rd)`);
  let { set, clear } = rules;
  for (const f of flags) {
    const bit = FLAGS[f.text.toLowerCase()];
    if (bit === undefined) configError(f, `header: ${line.name}: unknown/unsupported flag "${f.text}", expected aa, ra or rd`);
    if (verb === 'set') {
      set |= bit;
      clear &= ~bit;
    } else {
      clear |= bit;
      set &= ~bit;
    }
  }
  return { set, clear };
}

/** Applies `rules` to the header of `msg` in place; true when a bit changed. */
export function applyRules(msg: Uint8Array, rules: FlagRules): boolean {
  const before = (msg[2]! << 8) | msg[3]!;
  const after = (before & ~rules.clear) | rules.set;
  msg[2] = after >> 8;
  msg[3] = after & 0xff;
  return after !== before;
}
