import type { Directive } from '@chaindns/core';

/**
 * Changes to a Corefile's text, line by line, that keep everything else as
 * written: indentation, comments, blank lines. A Corefile line holds one
 * directive at most (a `{` ends its line, a `}` stands alone), so a
 * directive is changed by changing its lines.
 */
export type LineEdit =
  /** The line's words become `words`; its indentation and trailing comment stay. */
  | { readonly kind: 'set'; readonly line: number; readonly words: string }
  /** A new line after `line`, indented as it. */
  | { readonly kind: 'insert'; readonly line: number; readonly words: string }
  | { readonly kind: 'delete'; readonly from: number; readonly to: number }
  /** Each line becomes a comment (`# ` after its indentation). */
  | { readonly kind: 'comment'; readonly from: number; readonly to: number };

/** A line as indentation, words (up to a comment outside quotes) and the comment with the space before it. */
export function splitLine(line: string): { indent: string; words: string; comment: string } {
  const indent = /^\s*/.exec(line)![0];
  let quoted = false;
  for (let i = indent.length; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && quoted) i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === '#' && !quoted) {
      const words = line.slice(indent.length, i).trimEnd();
      return { indent, words, comment: line.slice(indent.length + words.length) };
    }
  }
  return { indent, words: line.slice(indent.length).trimEnd(), comment: '' };
}

/** The line (1-based) of the `}` that closes `d`'s block, in `lines`; `d` has a block. */
export function closingLine(lines: readonly string[], d: Directive): number {
  let last = d.token.line;
  // Directives pasted in from a snippet or another file stand elsewhere: only those written inside count.
  for (const sub of d.block ?? []) {
    if (sub.token.file !== d.token.file || sub.token.line < d.token.line) continue;
    last = Math.max(last, sub.block ? closingLine(lines, sub) : sub.token.line);
  }
  for (let n = last + 1; n <= lines.length; n++) if (splitLine(lines[n - 1]!).words === '}') return n;
  return lines.length;
}

/** The lines a directive takes: its own, or to the `}` of its block. */
export function directiveLines(lines: readonly string[], d: Directive): { from: number; to: number } {
  return { from: d.token.line, to: d.block ? closingLine(lines, d) : d.token.line };
}

/** Applies edits to text (the same edit twice, as from a snippet imported twice, counts once). */
export function applyEdits(text: string, edits: readonly LineEdit[]): string {
  const lines = text.split('\n');
  const deleted = new Set<number>();
  const commented = new Set<number>();
  const set = new Map<number, string>();
  const inserted = new Map<number, string[]>();
  for (const e of edits) {
    if (e.kind === 'delete' || e.kind === 'comment') {
      for (let n = e.from; n <= e.to; n++) (e.kind === 'delete' ? deleted : commented).add(n);
    } else if (e.kind === 'set') {
      set.set(e.line, e.words);
    } else {
      const list = inserted.get(e.line) ?? [];
      if (!list.includes(e.words)) list.push(e.words);
      inserted.set(e.line, list);
    }
  }
  const out: string[] = [];
  lines.forEach((line, i) => {
    const n = i + 1;
    if (deleted.has(n)) return;
    const { indent, words, comment } = splitLine(line);
    const now = set.get(n) ?? words;
    out.push(commented.has(n) && words !== '' ? `${indent}# ${now}${comment}` : `${indent}${now}${comment}`);
    for (const extra of inserted.get(n) ?? []) out.push(`${indent}${extra}`);
  });
  return out.join('\n');
}
