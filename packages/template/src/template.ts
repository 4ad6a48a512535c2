import { type Answer, beginReply, className, fallsThrough, type Handler, matchZone, type Next, parseAnswer, PluginError, QType, Rcode, reply, type Request, type ResponseWriter, type Result, typeName, withExtendedError } from '@chaindns/core';
import { ExprError, type ExprValue } from '@chaindns/core/expr';
import type { TemplateSpec } from './config.js';
import { runExpressions } from './expressions.js';
import type { TemplateMetrics } from './metrics.js';
import { NameRegex, type Submatches } from './name-regex.js';
import { QueryData } from './query-data.js';

import type { CompiledTemplate } from './template-compile.js';
import { TemplateError } from './template-parse.js';
import { upstreamAnswers, type Resolve } from './upstream.js';

export interface TemplateOptions {
  /** The `template` blocks of the server block, in the Corefile's order. */
  readonly templates: readonly TemplateSpec[];
  readonly metrics: TemplateMetrics;
  /**
   * Sends a query through the server itself (the setup context's resolve):
   * a CNAME a template answers an A or AAAA question with is followed with it,
   * as CoreDNS's upstream. Without it, the CNAME is answered alone.
   */
  readonly resolve?: Resolve;
}

const ANY = 255;

const NO_VARS: ReadonlyMap<string, ExprValue> = new Map();

interface Prepared extends TemplateSpec {
  /** Some record of it reads `.Match` or `.Group`, or it has expressions (`group()`): the regex's submatches are built. */
  readonly captures: boolean;
  /** It has no records: its reply is the query's header and question with its rcode. */
  readonly empty: boolean;
  readonly answers: readonly Maker[];
  readonly additionals: readonly Maker[];
  readonly authorities: readonly Maker[];
}

/**
 * CoreDNS's template handler. A name outside every template's zones passes
 * on. Each template in turn: one whose zone, class or type does not fit is
 * skipped; one whose regexes do not match the name falls through when its
 * `fallthrough` covers the name, else the query gets SERVFAIL; the first that
 * matches answers (authoritative, its rcode, its records rendered from the
 * query) and counts in `coredns_template_matches_total`. When no template
 * answers, the query passes on.
 */
export function createTemplate(options: TemplateOptions): Handler {
  const templates: Prepared[] = options.templates.map((t) => ({
    ...t,
    captures: t.vars.length + t.conditions.length > 0 || [...t.answer, ...t.additional, ...t.authority].some((c) => c.usesCaptures),
    empty: t.answer.length + t.additional.length + t.authority.length === 0,
    answers: t.answer.map(maker),
    additionals: t.additional.map(maker),
    authorities: t.authority.map(maker),
  }));
  const zones = [...new Set(templates.flatMap((t) => t.zones))];
  const { metrics, resolve } = options;

  return {
    name: 'template',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      const name = req.qname;
      if (matchZone(zones, name) === null) return next(req, w);
      for (const t of templates) {
        const zone = matchZone(t.zones, name);
        if (zone === null) continue;
        if (t.qclass !== ANY && req.qclass !== ANY && req.qclass !== t.qclass) continue;
        if (t.qtype !== ANY && req.qtype !== ANY && req.qtype !== t.qtype) continue;
        const hit = match(t, name);
        const vars = hit === null ? null : expressions(t, req, hit.sub);
        if (hit === null || vars === null) {
          if (fallsThrough(t.fallthrough, name)) continue;
          return Rcode.SERVFAIL;
        }
        const klass = className(req.qclass !== ANY ? req.qclass : t.qclass);
        const type = typeName(req.qtype !== ANY ? req.qtype : t.qtype);
        metrics.matches.inc({ server: req.server, zone, view: req.view, class: klass, type });
        if (t.rcode === Rcode.SERVFAIL) return Rcode.SERVFAIL;
        const data = new QueryData(req, zone, hit.regex.source, hit.sub.match, hit.sub.group, klass, type, vars);
        return respond(req, w, t, data, metrics, resolve);
      }
      return next(req, w);
    },
  };
}

/** The first of the template's regexes that matches `name`, with the submatches its records read. */
function match(t: Prepared, name: string): { regex: NameRegex; sub: Submatches } | null {
  for (const regex of t.regexes) {
    if (!t.captures) {
      if (regex.test(name)) return { regex, sub: NameRegex.NONE };
      continue;
    }
    const sub = regex.exec(name);
    if (sub) return { regex, sub };
  }
  return null;
}

/**
 * The template's `var`s for a query its regex matched, or null when one of
 * its `expr` conditions is not true. An expression that fails on this query
 * fails the query (SERVFAIL and the error's message, whatever `fallthrough`
 * says), as CoreDNS's template does.
 */
function expressions(t: Prepared, req: Request, sub: Submatches): ReadonlyMap<string, ExprValue> | null {
  if (t.vars.length + t.conditions.length === 0) return NO_VARS;
  try {
    return runExpressions(t.vars, t.conditions, req, sub.group);
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    throw new PluginError('template', Rcode.SERVFAIL, `expression failed: ${err.message}`);
  }
}

/** Renders the template's records and writes the reply; async only when a CNAME target is looked up. */
function respond(req: Request, w: ResponseWriter, t: Prepared, data: QueryData, metrics: TemplateMetrics, resolve: Resolve | undefined): Result {
  if (t.empty && !(t.ederror && req.edns)) {
    // No records: the message reply() encodes, from the query's bytes without dns-packet.
    w.write(beginReply(req, t.rcode, 0, 0, 0));
    return t.rcode;
  }
  const answers = t.answers.map((m) => record(m, data, metrics));
  const additionals = t.additionals.map((m) => record(m, data, metrics));
  const authorities = t.authorities.map((m) => record(m, data, metrics));
  const write = (records: readonly Answer[], truncated: boolean): number => {
    let msg = reply(req, { rcode: t.rcode, authoritative: true, answers: records, authorities, additionals });
    if (truncated) msg[2]! |= 0x02;
    if (t.ederror && req.edns) msg = withExtendedError(msg, t.ederror.code, t.ederror.reason);
    w.write(msg);
    return t.rcode;
  };
  const follow = resolve !== undefined && (req.qtype === QType.A || req.qtype === QType.AAAA) && answers.some((a) => a.type === 'CNAME');
  if (!follow) return write(answers, false);
  return upstreamAnswers(req, answers, resolve).then(({ records, truncated }) => write(records, truncated));
}

/** A record's template, with its record when it has no action (read once: the Corefile's parse checked it). */
interface Maker {
  readonly c: CompiledTemplate;
  readonly fixed: Answer | null;
}

function maker(c: CompiledTemplate): Maker {
  return { c, fixed: c.constant === null ? null : parseAnswer(c.constant) };
}

/** One record from its template; a failure is counted and fails the query (SERVFAIL) with Go's message. */
function record({ c, fixed }: Maker, data: QueryData, metrics: TemplateMetrics): Answer {
  if (fixed !== null) return fixed;
  const labels = { server: data.req.server, zone: data.Zone, view: data.req.view, class: data.Class, type: data.Type, section: c.section, template: c.text };
  let text: string;
  try {
    text = c.render(data);
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    metrics.templateFailures.inc(labels);
    throw new PluginError('template', Rcode.SERVFAIL, err.message);
  }
  try {
    return parseAnswer(text);
  } catch (err) {
    metrics.rrFailures.inc(labels);
    throw new PluginError('template', Rcode.SERVFAIL, (err as Error).message);
  }
}
