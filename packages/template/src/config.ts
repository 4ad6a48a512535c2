import { classFromText, configError, type Directive, expectArgs, type ParseContext, parseAnswer, parseFallthrough, parseZones, QType, Rcode, rcodeFromText, type Token } from '@chaindns/core';
import { MAX_REGEX_LENGTH, NameRegex } from './name-regex.js';

import { type CompiledExpr, ExprError, type ExprType } from '@chaindns/core/expr';
import { TemplateExpressions, type TemplateScope, type TemplateVar } from './expressions.js';
import { type CompiledTemplate, compileTemplate } from './template-compile.js';
import { TemplateError } from './template-parse.js';

/** One `template CLASS TYPE [ZONE...] { ... }` block. */
export interface TemplateSpec {
  /** The class and type it answers; 255 (ANY) matches every one. */
  readonly qclass: number;
  readonly qtype: number;
  /** The zones it covers: its arguments, else the server block's. */
  readonly zones: readonly string[];
  /** `match` patterns in order (the first that matches wins); `.*` when none is given. */
  readonly regexes: readonly NameRegex[];
  readonly answer: readonly CompiledTemplate[];
  readonly additional: readonly CompiledTemplate[];
  readonly authority: readonly CompiledTemplate[];
  readonly rcode: number;
  /** `ederror CODE [REASON]`: an RFC 8914 extended error in the reply's OPT. */
  readonly ederror: { readonly code: number; readonly reason: string } | null;
  /** `fallthrough` zones, null when it is not given. */
  readonly fallthrough: readonly string[] | null;
  /** `var NAME EXPRESSION`, in order: computed for each query the regex matched, read as `.Var.NAME`. */
  readonly vars: readonly TemplateVar[];
  /** `expr EXPRESSION`: conditions the query must meet too, else it is treated as one no regex matched. */
  readonly conditions: readonly CompiledExpr<TemplateScope>[];
}

/** The rcodes that fit the header's four bits; extended ones (16 and up) need an OPT the query may not have, so they are refused. */
const HEADER_RCODES = Object.keys(Rcode).filter((name) => Rcode[name as keyof typeof Rcode] < 16);
const OPTIONS = ['match', 'var', 'expr', 'answer', 'additional', 'authority', 'rcode', 'ederror', 'fallthrough', 'upstream'];

/** Parses one `template` directive as CoreDNS's templateParse does. */
export function parseTemplateBlock(d: Directive, ctx: ParseContext): TemplateSpec {
  if (d.args.length < 2) configError(d, `template: expected CLASS and TYPE, got ${d.args.length} argument${d.args.length === 1 ? '' : 's'}`);
  const [classToken, typeToken, ...zoneArgs] = d.args as [Token, Token, ...Token[]];
  // Mnemonics in capitals only, as miekg/dns's StringToClass.
  const qclass = /^[A-Z0-9]+$/.test(classToken.text) ? classFromText(classToken.text) : undefined;
  if (qclass === undefined) configError(classToken, `template: invalid query class ${classToken.text}`);
  const qtype = typeOf(typeToken.text);
  if (qtype === null) configError(typeToken, `template: invalid query type ${typeToken.text}`);
  const zones = parseZones(zoneArgs, ctx.zones);

  const regexes: NameRegex[] = [];
  // Records are compiled once every `var` is known, wherever they stand in the block.
  const records: Record<'answer' | 'additional' | 'authority', Token[]> = { answer: [], additional: [], authority: [] };
  const expressions = new TemplateExpressions();
  let rcode = 0;
  let ederror: TemplateSpec['ederror'] = null;
  let fallthrough: string[] | null = null;
  for (const sub of d.block ?? []) {
    if (sub.block) configError(sub, `template: ${sub.name} takes no block`);
    switch (sub.name) {
      case 'match':
        for (const t of expectArgs(sub, 1)) regexes.push(regexOf(t));
        break;
      case 'answer':
      case 'additional':
      case 'authority':
        records[sub.name].push(...expectArgs(sub, 1));
        break;
      case 'var': {
        const [name, ...rest] = expectArgs(sub, 2);
        expression(sub, () => expressions.addVar(name!.text, rest.map((t) => t.text).join(' ')), `var ${name!.text}`);
        break;
      }
      case 'expr':
        expression(sub, () => expressions.addCondition(expectArgs(sub, 1).map((t) => t.text).join(' ')), 'expr');
        break;
      case 'rcode':
        rcode = rcodeOf(expectArgs(sub, 1, 1)[0]!);
        break;
      case 'ederror': {
        const [code, reason] = expectArgs(sub, 1, 2);
        if (!/^\d+$/.test(code!.text) || Number(code!.text) > 0xffff) configError(code!, `template: error parsing extended DNS error code ${code!.text}: expected 0 to 65535`);
        ederror = { code: Number(code!.text), reason: reason?.text ?? '' };
        break;
      }
      case 'fallthrough':
        fallthrough = parseFallthrough(sub);
        break;
      case 'upstream':
        // CoreDNS ignores it too: CNAME targets are always resolved through the server itself.
        ctx.warn(sub.token, 'template: upstream is deprecated and has no effect: CNAME targets are always resolved through this server');
        break;
      default:
        configError(sub, `template: unknown property "${sub.name}", expected one of: ${OPTIONS.join(', ')}`);
    }
  }
  const vars = expressions.types();
  const compiled = (section: 'answer' | 'additional' | 'authority'): CompiledTemplate[] => records[section].map((t) => templateOf(section, t, vars));
  return {
    qclass: qclass!,
    qtype: qtype!,
    zones,
    regexes: regexes.length > 0 ? regexes : [new NameRegex('.*')],
    answer: compiled('answer'),
    additional: compiled('additional'),
    authority: compiled('authority'),
    rcode,
    ederror,
    fallthrough,
    vars: expressions.vars,
    conditions: expressions.conditions,
  };
}

/** Adds a `var` or `expr`; what does not compile is refused at its line, as CoreDNS's "could not compile expression". */
function expression(sub: Directive, add: () => void, what: string): void {
  try {
    add();
  } catch (err) {
    if (err instanceof ExprError) configError(sub, `template: ${what}: could not compile expression: ${err.message}`);
    configError(sub, `template: ${(err as Error).message}`);
  }
}

/** A query type as miekg/dns's StringToType spells it (uppercase), or RFC 3597's `TYPE<n>`. */
function typeOf(text: string): number | null {
  if (Object.hasOwn(QType, text)) return QType[text as keyof typeof QType];
  const m = /^TYPE(\d+)$/.exec(text);
  return m && Number(m[1]) <= 0xffff ? Number(m[1]) : null;
}

function regexOf(t: Token): NameRegex {
  if (t.text.length > MAX_REGEX_LENGTH) configError(t, `template: regex pattern too long: ${t.text.length} > ${MAX_REGEX_LENGTH}`);
  try {
    return new NameRegex(t.text);
  } catch (err) {
    return configError(t, `template: could not parse regex: ${t.text}, ${(err as Error).message}`);
  }
}

function templateOf(section: string, t: Token, vars: ReadonlyMap<string, ExprType>): CompiledTemplate {
  let compiled: CompiledTemplate;
  try {
    compiled = compileTemplate(section, t.text, vars);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return configError(t, `template: could not compile template: ${err.message}`);
  }
  // A record without actions is the same for every query: one that is no record is refused now.
  if (compiled.constant !== null) {
    try {
      parseAnswer(compiled.constant);
    } catch (err) {
      configError(t, `template: ${section} is no valid record: ${(err as Error).message}`);
    }
  }
  return compiled;
}

function rcodeOf(t: Token): number {
  const rcode = rcodeFromText(t.text);
  if (rcode !== undefined && rcode < 16) return rcode;
  if (rcode !== undefined) configError(t, `template: rcode ${t.text} is an extended rcode, which chaindns does not send: use one of ${HEADER_RCODES.join(', ')}`);
  return configError(t, `template: unknown rcode ${t.text}`);
}
