import type { MatchType, NameRule, RuleConfig } from './config.js';
import { edns0Rule } from './edns0-rule.js';
import { compileMatcher, compileTemplate, fill, regexRewriter } from './pattern.js';
import type { QueryState } from './query-state.js';
import { remapRewriter, type ResponseRule, suffixRewriter } from './response-rules.js';

/** A rule ready to run: `apply` rewrites the query (and asks of the reply) and says whether it applied. */
export interface RequestRule {
  readonly stop: boolean;
  apply(q: QueryState): boolean;
}

export function compileRule(config: RuleConfig): RequestRule {
  const stop = config.mode === 'stop';
  switch (config.field) {
    case 'name':
      return { stop, apply: nameRule(config) };
    case 'class':
      return {
        stop,
        apply: (q) => {
          if (q.qclass !== config.from) return false;
          q.qclass = config.to;
          return true;
        },
      };
    case 'type':
      return {
        stop,
        // CoreDNS never applies a rule naming type 0 (NONE).
        apply: (q) => {
          if (config.from === 0 || config.to === 0 || q.qtype !== config.from) return false;
          q.qtype = config.to;
          return true;
        },
      };
    case 'ttl': {
      const matches = nameMatcher(config.match, config.name);
      const response: ResponseRule = { kind: 'ttl', min: config.min, max: config.max };
      return { stop, apply: (q) => matches(q.name) && (q.respond(response), true) };
    }
    case 'rcode': {
      const matches = nameMatcher(config.match, config.name);
      const response: ResponseRule = { kind: 'rcode', from: config.from, to: config.to };
      return { stop, apply: (q) => matches(q.name) && (q.respond(response), true) };
    }
    case 'cname': {
      const response: ResponseRule = { kind: 'cname', target: matchRewriter(config.match, config.from, config.to) };
      // Applies to every query whose rule is usable (CoreDNS: non-empty names), so a stop cname rule ends the list.
      const usable = config.from !== '' && config.to !== '';
      return { stop, apply: (q) => usable && (q.respond(response), true) };
    }
    case 'edns0':
      return { stop, apply: edns0Rule(config) };
  }
}

/** Whether a ttl or rcode rule's name matches the question's (lowercased FQDN). */
function nameMatcher(match: MatchType, name: string): (qname: string) => boolean {
  switch (match) {
    case 'exact':
      return (qname) => qname === name;
    case 'prefix':
      return (qname) => qname.startsWith(name);
    case 'suffix':
      return (qname) => qname.endsWith(name);
    case 'substring':
      return (qname) => qname.includes(name);
    case 'regex': {
      const matcher = compileMatcher(name);
      return (qname) => matcher.exec(qname) !== null;
    }
  }
}

/**
 * A name rule: the question's new name, or null when it does not match,
 * then what it asks of the reply: `auto` undoing it (names and values),
 * then its `answer name|value` rewrites, in CoreDNS's order.
 */
function nameRule(config: NameRule): (q: QueryState) => boolean {
  const rewrite = matchRewriter(config.match, config.from, config.to);
  const answers: ResponseRule[] = config.answers.map((a) => {
    const matcher = compileMatcher(a.pattern);
    return { kind: a.target, rewrite: regexRewriter(matcher, compileTemplate(a.replacement, matcher.groups)) };
  });
  // A suffix rule undoes itself by the reverse suffix; the others map their new name back to the old.
  const suffixUndo: ResponseRule[] = [];
  if (config.auto && config.match === 'suffix') {
    const undo = suffixRewriter(config.to, config.from);
    suffixUndo.push({ kind: 'name', rewrite: undo }, { kind: 'value', rewrite: undo });
  }
  const remap = config.auto && config.match !== 'suffix';
  return (q) => {
    const before = q.name;
    const after = rewrite(before);
    if (after === null) return false;
    q.rename(after);
    if (remap) {
      const undo = remapRewriter(q.name, before);
      q.respond({ kind: 'name', rewrite: undo });
      q.respond({ kind: 'value', rewrite: undo });
    }
    for (const r of suffixUndo) q.respond(r);
    for (const r of answers) q.respond(r);
    return true;
  };
}

/**
 * A match type's rewrite of a name: the new name, or null when `from` does
 * not match (a name rule's question, a cname rule's target, as CoreDNS).
 */
function matchRewriter(match: MatchType, from: string, to: string): (name: string) => string | null {
  switch (match) {
    case 'exact':
      return (name) => (name === from ? to : null);
    case 'prefix':
      return (name) => (name.startsWith(from) ? to + name.slice(from.length) : null);
    case 'suffix':
      return (name) => (name.endsWith(from) ? name.slice(0, name.length - from.length) + to : null);
    case 'substring':
      return (name) => (name.includes(from) ? name.replaceAll(from, to) : null);
    case 'regex': {
      const matcher = compileMatcher(from);
      const template = compileTemplate(to, matcher.groups);
      return (name) => {
        const m = matcher.exec(name);
        return m ? fill(template, m) : null;
      };
    }
  }
}
