/** CoreDNS refuses longer expressions, so compiling one cannot take a config's memory. */
export const MAX_PATTERN = 10000;

/**
 * Compiles a Corefile's regular expression (Go's RE2 syntax) as JavaScript's.
 * The two agree on what these rules use (groups, classes, anchors,
 * repetition); Go's `(?P<name>` is rewritten to `(?<name>`, and leading
 * flags `(?i)`, `(?m)`, `(?s)` become the expression's flags. Unicode mode
 * makes escapes JavaScript does not know (`\z`, `\A`, `\Q`) errors instead of
 * literal letters. Throws an Error saying what is wrong.
 */
export function compilePattern(source: string): RegExp {
  if (source.length > MAX_PATTERN) throw new Error(`regex pattern too long: ${source.length} > ${MAX_PATTERN}`);
  let flags = 'u';
  let body = source;
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[1]!) {
      if (!'ims'.includes(f)) throw new Error(`regex flag "${f}" is not supported (only i, m and s)`);
      if (!flags.includes(f)) flags += f;
    }
    body = body.slice(lead[0].length);
  }
  try {
    return new RegExp(body.replaceAll('(?P<', '(?<'), flags);
  } catch (err) {
    throw new Error(`invalid regex pattern ${source}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** How many capture groups `re` has. */
export function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1;
}

/** How many different `{N}` (N from 0 to 100) a replacement names, as CoreDNS counts them. */
export function referencedGroups(replacement: string): number {
  let n = 0;
  for (let i = 0; i <= 100; i++) if (replacement.includes(`{${i}}`)) n++;
  return n;
}

/** Checks a rule's pair as CoreDNS does: the expression compiles and the replacement names no more groups than it has. */
export function checkPattern(pattern: string, replacement: string): RegExp {
  const re = compilePattern(pattern);
  if (referencedGroups(replacement) > groupCount(re)) {
    throw new Error(`the rewrite regex pattern (${replacement}) uses more subexpressions than its corresponding matching regex pattern (${pattern})`);
  }
  return re;
}

/**
 * A replacement split once into text and group numbers (`{1}.svc.` is
 * [1, '.svc.']), so a match is substituted by one join. Only groups the
 * expression has are substituted; other `{N}` stay as written, as in CoreDNS.
 */
export type Template = readonly (string | number)[];

export function compileTemplate(replacement: string, groups: number): Template {
  const parts: (string | number)[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const m = replacement[i] === '{' ? /^\{(\d+)\}/.exec(replacement.slice(i)) : null;
    if (m && String(Number(m[1])) === m[1] && Number(m[1]) <= groups) {
      if (text) parts.push(text);
      text = '';
      parts.push(Number(m[1]));
      i += m[0].length - 1;
    } else {
      text += replacement[i];
    }
  }
  if (text) parts.push(text);
  return parts;
}

/** The template filled with a match's groups (a group that took no part is empty, as in Go). */
export function fill(template: Template, match: RegExpExecArray): string {
  let out = '';
  for (const part of template) out += typeof part === 'number' ? (match[part] ?? '') : part;
  return out;
}

/**
 * A rule's compiled expression, run on names. An unanchored search backtracks
 * at every position of a name it does not match (`(.*)\.example\.com` on
 * `web.example.org.` costs most of a microsecond), and a rule in front of
 * every query mostly does not match; so a literal every match must contain is
 * looked for first, and only a name that has it is searched.
 */
export interface Matcher {
  readonly groups: number;
  exec(name: string): RegExpExecArray | null;
}

export function compileMatcher(source: string): Matcher {
  const re = compilePattern(source);
  const literal = requiredLiteral(re);
  return {
    groups: groupCount(re),
    exec: literal === null ? (name) => re.exec(name) : (name) => (name.includes(literal) ? re.exec(name) : null),
  };
}

/**
 * The longest run of plain characters at the top level of the expression,
 * none of them optional: every match contains it. Null when there is none of
 * two or more characters, or the expression has an alternation (`|`),
 * case-insensitive letters or escapes with a payload, where finding one is
 * not worth the risk.
 */
export function requiredLiteral(re: RegExp): string | null {
  const src = re.source;
  // Escapes whose next characters are not literals (`\x41`, `\u{61}`, `\cJ`, `\p{L}`, `\k<n>`, `\1`) too.
  if (src.includes('|') || /\\[xucpPk0-9]/.test(src) || (re.flags.includes('i') && /[a-zA-Z]/.test(src.replace(/\\[a-zA-Z]/g, '')))) return null;
  let best = '';
  let run = '';
  let depth = 0;
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    let literal: string | null = null;
    if (c === '\\') {
      const next = src[++i] ?? '';
      if (!/[a-zA-Z0-9]/.test(next)) literal = next;
    } else if (c === '[') {
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      // The atom before a quantifier may be absent or repeated: it leaves the run, which ends there.
      run = run.slice(0, -1);
      if (c === '{') i = src.indexOf('}', i);
    } else if (c !== '.' && c !== '^' && c !== '$') {
      literal = c;
    }
    if (literal !== null && depth === 0) run += literal;
    else end();
  }
  end();
  return best.length >= 2 ? best : null;
}

/**
 * A name rewriter from an expression and a template: a name it matches
 * becomes the filled template, others stay as they are (CoreDNS's
 * regexStringRewriter). The match is anywhere in the name unless anchored.
 */
export function regexRewriter(matcher: Matcher, template: Template): (name: string) => string {
  return (name) => {
    const m = matcher.exec(name);
    return m ? fill(template, m) : name;
  };
}
