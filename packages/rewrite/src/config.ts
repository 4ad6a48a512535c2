import { configError, type Directive, type Token } from '@chaindns/core';
import { parseEdns0Rule } from './parse-edns0.js';
import { parseClassRule, parseCnameRule, parseRcodeRule, parseTtlRule, parseTypeRule } from './parse-fields.js';
import { parseNameRule } from './parse-name.js';

/** What happens after a rule that applied: `stop` ends the list (the default), `continue` goes on. */
export type Mode = 'stop' | 'continue';

/** How a rule matches the question's name. */
export type MatchType = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';
export const MATCH_TYPES: readonly MatchType[] = ['exact', 'prefix', 'suffix', 'substring', 'regex'];

/** `answer name|value FROM TO`: a regular expression over the reply's owner names or record values. */
export interface AnswerRewrite {
  readonly target: 'name' | 'value';
  readonly pattern: string;
  /** Lowercased FQDN with `{N}` group references. */
  readonly replacement: string;
}

/**
 * `name`: rewrites the question's name. `from` and `to` are lowercased FQDNs,
 * except a regex's `from` (the expression as written). `auto` maps the
 * answer back (always for `exact`, with `answer auto` for the others).
 */
export interface NameRule {
  readonly field: 'name';
  readonly mode: Mode;
  readonly match: MatchType;
  readonly from: string;
  readonly to: string;
  readonly auto: boolean;
  readonly answers: readonly AnswerRewrite[];
}

/** `class FROM TO` and `type FROM TO`: the question's class or type, as numbers. */
export interface ClassRule {
  readonly field: 'class';
  readonly mode: Mode;
  readonly from: number;
  readonly to: number;
}
export interface TypeRule {
  readonly field: 'type';
  readonly mode: Mode;
  readonly from: number;
  readonly to: number;
}

/** `ttl [MATCH] NAME SECONDS|MIN-MAX`: the answer's TTLs clamped to [min, max]. */
export interface TtlRule {
  readonly field: 'ttl';
  readonly mode: Mode;
  readonly match: MatchType;
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** `rcode [MATCH] NAME FROM TO`: the reply's rcode. */
export interface RcodeRule {
  readonly field: 'rcode';
  readonly mode: Mode;
  readonly match: MatchType;
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** `cname [MATCH] FROM TO`: a CNAME target in the answer, looked up again under its new name. */
export interface CnameRule {
  readonly field: 'cname';
  readonly mode: Mode;
  readonly match: MatchType;
  readonly from: string;
  readonly to: string;
}

export type EdnsAction = 'set' | 'append' | 'replace' | 'unset';
/** The variables an EDNS0 local option's data may name. */
export type EdnsVariable = '{qname}' | '{qtype}' | '{client_ip}' | '{client_port}' | '{protocol}' | '{server_ip}' | '{server_port}';

/** The option an `edns0` rule writes: a local one (its data, or a variable's), NSID, or the client subnet. */
export type EdnsOptionRule =
  | { readonly kind: 'local'; readonly code: number; readonly data: Buffer | null; readonly variable: EdnsVariable | null }
  | { readonly kind: 'nsid' }
  | { readonly kind: 'subnet'; readonly v4: number; readonly v6: number };

export interface Edns0Rule {
  readonly field: 'edns0';
  readonly mode: Mode;
  readonly action: EdnsAction;
  readonly option: EdnsOptionRule;
  /** The reply shows the client's option again, not the rewritten one. */
  readonly revert: boolean;
}

export type RuleConfig = NameRule | ClassRule | TypeRule | TtlRule | RcodeRule | CnameRule | Edns0Rule;

/** Every `rewrite` directive of a server block, one rule each, in the Corefile's order. */
export interface RewriteConfig {
  readonly rules: readonly RuleConfig[];
}

/**
 * One `rewrite` directive: `rewrite [continue|stop] FIELD ARGS...`, or the
 * same words inside a block (`rewrite stop { name regex ... ; answer name ... }`),
 * which CoreDNS reads as one rule whose words run on across the block's lines.
 */
export function parseRule(d: Directive): RuleConfig {
  const words = ruleWords(d);
  const [first] = words;
  if (!first) configError(d, 'rewrite: no rule type specified for rewrite');
  let mode: Mode = 'stop';
  let rest = words;
  const head = first.text.toLowerCase();
  if (head === 'stop' || head === 'continue') {
    mode = head;
    rest = words.slice(1);
    if (rest.length === 0) configError(first, `rewrite: ${head} rule must begin with a rule type`);
  }
  const field = rest[0]!;
  const args = rest.slice(1);
  switch (field.text.toLowerCase()) {
    case 'answer':
      return configError(field, 'rewrite: response rewrites must begin with a name rule');
    case 'name':
      return parseNameRule(mode, field, args);
    case 'class':
      return parseClassRule(mode, field, args);
    case 'type':
      return parseTypeRule(mode, field, args);
    case 'ttl':
      return parseTtlRule(mode, field, args);
    case 'rcode':
      return parseRcodeRule(mode, field, args);
    case 'cname':
      return parseCnameRule(mode, field, args);
    case 'edns0':
      return parseEdns0Rule(mode, field, args);
    default:
      return configError(first, `rewrite: invalid rule type "${first.text}", expected name, class, type, ttl, rcode, cname or edns0 (after an optional stop or continue)`);
  }
}

/** The rule's words: the directive's arguments, or with fewer than two, those and its block's words. */
function ruleWords(d: Directive): readonly Token[] {
  if (!d.block) return d.args;
  if (d.args.length >= 2) configError(d.block[0] ?? d, 'rewrite: a rule written on the directive line takes no block');
  const words = [...d.args];
  for (const line of d.block) {
    if (line.block) configError(line, `rewrite: "${line.name}" takes no block`);
    words.push(line.token, ...line.args);
  }
  return words;
}

/** CoreDNS's plugin.Name.Normalize: lowercased, with the final dot. */
export function normalizeName(text: string): string {
  const lower = text.toLowerCase();
  return lower.endsWith('.') ? lower : lower + '.';
}
