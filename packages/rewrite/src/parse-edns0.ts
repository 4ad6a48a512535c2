import { configError, type Token } from '@chaindns/core';
import type { EdnsAction, Edns0Rule, EdnsOptionRule, EdnsVariable, Mode } from './config.js';

const ACTIONS: readonly EdnsAction[] = ['set', 'append', 'replace', 'unset'];
const VARIABLES: readonly EdnsVariable[] = ['{qname}', '{qtype}', '{client_ip}', '{client_port}', '{protocol}', '{server_ip}', '{server_port}'];

/**
 * `edns0 local|nsid|subnet set|append|replace|unset ARGS... [revert]`, as
 * CoreDNS's newEdns0Rule.
 */
export function parseEdns0Rule(mode: Mode, field: Token, args: readonly Token[]): Edns0Rule {
  if (args.length < 2) configError(args.at(-1) ?? field, 'rewrite: too few arguments for an EDNS0 rule');
  const [typeToken, actionToken] = args as [Token, Token];
  const type = typeToken.text.toLowerCase();
  const action = actionToken.text.toLowerCase() as EdnsAction;
  if (!ACTIONS.includes(action)) configError(actionToken, `rewrite: invalid action: "${actionToken.text}", expected set, append, replace or unset`);
  if (action === 'unset') return { field: 'edns0', mode, action, option: unsetOption(type, typeToken, args), revert: false };
  const revert = args.at(-1)!.text === 'revert';
  const words = revert ? args.slice(0, -1) : args;
  return { field: 'edns0', mode, action, option: setOption(type, typeToken, words), revert };
}

function unsetOption(type: string, typeToken: Token, args: readonly Token[]): EdnsOptionRule {
  switch (type) {
    case 'local':
      if (args.length !== 3) configError(args[3] ?? args.at(-1)!, 'rewrite: local unset action requires exactly two arguments');
      return { kind: 'local', code: optionCode(args[2]!), data: null, variable: null };
    case 'nsid':
      if (args.length !== 2) configError(args[2]!, 'rewrite: nsid unset action requires exactly one argument');
      return { kind: 'nsid' };
    case 'subnet':
      if (args.length !== 2) configError(args[2]!, 'rewrite: subnet unset action requires exactly one argument');
      return { kind: 'subnet', v4: 0, v6: 0 };
    default:
      return configError(typeToken, `rewrite: invalid rule type "${typeToken.text}", expected local, nsid or subnet`);
  }
}

function setOption(type: string, typeToken: Token, words: readonly Token[]): EdnsOptionRule {
  switch (type) {
    case 'local': {
      if (words.length !== 4) configError(words[4] ?? words.at(-1)!, 'rewrite: EDNS0 local rules require three or four args');
      const code = optionCode(words[2]!);
      const value = words[3]!;
      if (value.text.startsWith('{') && value.text.endsWith('}')) return { kind: 'local', code, data: null, variable: variable(value) };
      return { kind: 'local', code, data: optionData(value), variable: null };
    }
    case 'nsid':
      if (words.length !== 2) configError(words[2]!, 'rewrite: EDNS0 NSID rules can accept no more than one arg');
      return { kind: 'nsid' };
    case 'subnet':
      if (words.length !== 4) configError(words[4] ?? words.at(-1)!, 'rewrite: EDNS0 subnet rules require three or four args');
      return { kind: 'subnet', v4: prefixLength(words[2]!, 32, 'IPv4'), v6: prefixLength(words[3]!, 128, 'IPv6') };
    default:
      return configError(typeToken, `rewrite: invalid rule type "${typeToken.text}", expected local, nsid or subnet`);
  }
}

/** Go's strconv.ParseUint(s, 0, bits): decimal, or 0x hex, 0o / 0 octal, 0b binary. */
function parseUint(text: string, max: number): number | null {
  const m = /^(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]?([0-7]+)|([1-9]\d*|0))$/.exec(text);
  if (!m) return null;
  const n = m[1] ? parseInt(m[1], 16) : m[2] ? parseInt(m[2], 2) : m[3] ? parseInt(m[3], 8) : Number(m[4]);
  return n <= max ? n : null;
}

function optionCode(token: Token): number {
  const code = parseUint(token.text, 0xffff);
  if (code === null) configError(token, `rewrite: invalid EDNS0 option code "${token.text}": expected a number from 0 to 65535 (0xffee, 65518)`);
  return code;
}

/** The option's data: hex after `0x`, else the text's bytes. */
function optionData(token: Token): Buffer {
  const text = token.text;
  if (!text.startsWith('0x')) return Buffer.from(text, 'utf8');
  const hex = text.slice(2);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) configError(token, `rewrite: invalid hex data "${text}" for an EDNS0 local option`);
  return Buffer.from(hex, 'hex');
}

function variable(token: Token): EdnsVariable {
  const text = token.text;
  if ((VARIABLES as readonly string[]).includes(text)) return text as EdnsVariable;
  if (/^\{[^/{}]+\/[^{}]+\}$/.test(text)) {
    configError(token, `rewrite: the metadata label ${text} needs the metadata plugin, which chaindns does not have; use one of ${VARIABLES.join(', ')}`);
  }
  return configError(token, `rewrite: unsupported variable name "${text}", expected one of ${VARIABLES.join(', ')}`);
}

function prefixLength(token: Token, max: number, family: string): number {
  const n = parseUint(token.text, 0xffff);
  if (n === null || n > max) configError(token, `rewrite: invalid ${family} bit mask length "${token.text}", expected 0 to ${max}`);
  return n;
}
