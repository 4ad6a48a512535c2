import { ChainDNSError, type Directive, parseCorefile } from '@chaindns/core';
import { RULES } from './corefile-rules.js';
import { applyEdits, directiveLines, type LineEdit, splitLine } from './line-edits.js';

/** One change `migrate corefile` made, where, and why. */
export interface CorefileChange {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface CorefileMigration {
  readonly corefile: string;
  readonly changes: readonly CorefileChange[];
}

/** A CoreDNS version as `[1, minor, patch]`. */
export type Version = readonly [number, number, number];

/** The CoreDNS versions a Corefile may come from: what CoreDNS removed or renamed since then is rewritten. */
export const FIRST_VERSION: Version = [1, 1, 0];
export const LAST_VERSION: Version = [1, 14, 0];

export function parseVersion(text: string): Version {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  const v: Version | null = m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
  if (!v || compareVersions(v, FIRST_VERSION) < 0 || compareVersions(v, [LAST_VERSION[0], LAST_VERSION[1], Infinity]) > 0) {
    throw new ChainDNSError('CHAINDNS_OPTIONS', `--from ${text}: expected a CoreDNS version from ${FIRST_VERSION.slice(0, 2).join('.')} to ${LAST_VERSION.slice(0, 2).join('.')}, such as 1.6 or 1.8.4`);
  }
  return v;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** What a rule may do to the Corefile's text: changes to the lines of its directives, each with its reason. */
export class Editor {
  readonly edits: LineEdit[] = [];
  readonly changes: CorefileChange[] = [];
  private readonly noted = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly lines: readonly string[],
  ) {}

  /** True when `d` is written in the Corefile being migrated (not in a file it imports); else says so once. */
  private own(d: Directive, what: string): boolean {
    if (d.token.file === this.file) return true;
    this.note(d, `not rewritten (${what}): it is in an imported file; run chaindns migrate corefile -conf ${d.token.file} too`);
    return false;
  }

  /** Records why a directive is (or is not) changed; the same note for the same line counts once. */
  note(d: Directive, message: string): void {
    const key = `${d.token.file}:${d.token.line}: ${message}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.changes.push({ file: d.token.file, line: d.token.line, message });
  }

  /** The directive's words as written (name, arguments, a trailing `{`). */
  words(d: Directive): string {
    return splitLine(this.lines[d.token.line - 1] ?? '').words;
  }

  rename(d: Directive, to: string, why: string): void {
    if (!this.own(d, why)) return;
    this.edits.push({ kind: 'set', line: d.token.line, words: this.words(d).replace(/^\S+/, to) });
    this.note(d, why);
  }

  /** The directive's line becomes `words` (no block of its own). */
  rewrite(d: Directive, words: string, why: string): void {
    if (!this.own(d, why)) return;
    this.edits.push({ kind: 'set', line: d.token.line, words });
    this.note(d, why);
  }

  /** A new line after the directive's, indented as it. */
  insertAfter(d: Directive, words: string, why: string): void {
    if (!this.own(d, why)) return;
    this.edits.push({ kind: 'insert', line: d.token.line, words });
    this.note(d, why);
  }

  remove(d: Directive, why: string): void {
    if (!this.own(d, why)) return;
    this.edits.push({ kind: 'delete', ...directiveLines(this.lines, d) });
    this.note(d, why);
  }

  /** Keeps the directive as comments, for what has no equivalent to run in its place. */
  commentOut(d: Directive, why: string): void {
    if (!this.own(d, why)) return;
    this.edits.push({ kind: 'comment', ...directiveLines(this.lines, d) });
    this.note(d, why);
  }
}

/**
 * Rewrites what CoreDNS removed or renamed after version `from` (default
 * 1.1) up to 1.14, in Corefile text: directives and options are renamed,
 * mapped, dropped or commented out, and everything else (comments, blank
 * lines, indentation, the order) stays as written. Files the Corefile
 * imports are read but not rewritten. Each change comes with its reason.
 */
export function migrateCorefile(text: string, options: { file?: string; from?: Version; env?: Readonly<Record<string, string | undefined>> } = {}): CorefileMigration {
  const file = options.file ?? 'Corefile';
  const from = options.from ?? FIRST_VERSION;
  const corefile = parseCorefile(text, { file, ...(options.env ? { env: options.env } : {}) });
  const editor = new Editor(file, text.split('\n'));
  const rules = RULES.filter((r) => r.removed === null || compareVersions(from, r.removed) < 0);
  for (const block of corefile.blocks) {
    for (const d of block.directives) {
      for (const rule of rules) {
        if (rule.directive !== d.name) continue;
        if (rule.option === undefined) rule.apply(d, editor);
        else for (const o of d.block ?? []) if (o.name === rule.option) rule.apply(o, editor);
      }
    }
  }
  const migrated = applyEdits(text, editor.edits);
  // The edits keep the Corefile's shape; a Corefile that no longer parses would be this code's fault.
  parseCorefile(migrated, { file, ...(options.env ? { env: options.env } : {}) });
  const changes = [...editor.changes].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file === file ? -1 : 1));
  return { corefile: migrated, changes };
}
