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
 * A name rewriter from an expression and a template: a name it matches
 * becomes the filled template, others stay as they are (CoreDNS's
 * regexStringRewriter). The match is anywhere in the name unless anchored.
 */
export function regexRewriter(re: RegExp, template: Template): (name: string) => string {
  return (name) => {
    const m = re.exec(name);
    return m ? fill(template, m) : name;
  };
}
