/**
 * RFC 1035 section 5.1 presentation text, split into entries: one record or
 * `$` directive each, its tokens, and the line it starts on. Parentheses
 * join lines, `;` starts a comment, `"..."` is one token (kept with its
 * quotes, so a reader knows it was quoted), and a backslash escapes the next
 * character (kept as written: what an escape means depends on the field).
 */

/** A syntax error in presentation text, with the line it was found on. */
export class PresentationError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'PresentationError';
  }
}

export interface PresentationEntry {
  /** Raw tokens; a quoted one keeps its quotes. */
  readonly tokens: string[];
  /** The line (1-based) the entry starts on. */
  readonly line: number;
  /** The entry's line began with a blank: the owner is left out (the previous one applies). */
  readonly blankOwner: boolean;
}

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const SEMI = 0x3b;
const BACKSLASH = 0x5c;

/** Walks a text entry by entry; text read as latin1, so each char is one byte of the file. */
export class PresentationLexer {
  private pos = 0;
  private lineNo = 1;
  /** With `reuse`, the one entry every call returns (a zone of a million records makes no million of them). */
  private readonly shared: { tokens: string[]; line: number; blankOwner: boolean } | null;

  /**
   * With `reuse`, `next()` returns the same entry object each time, its
   * tokens replaced: for a reader that is done with an entry before it asks
   * for the next.
   */
  constructor(
    private readonly text: string,
    options: { reuse?: boolean } = {},
  ) {
    this.shared = options.reuse ? { tokens: [], line: 0, blankOwner: false } : null;
  }

  /** The line the lexer has reached. */
  get line(): number {
    return this.lineNo;
  }

  /** The next entry, or null at the end. Throws PresentationError on unbalanced parentheses or quotes. */
  next(): PresentationEntry | null {
    const s = this.text;
    const n = s.length;
    while (this.pos < n) {
      const blankOwner = s.charCodeAt(this.pos) === SPACE || s.charCodeAt(this.pos) === TAB;
      const line = this.lineNo;
      const tokens: string[] = this.shared ? this.shared.tokens : [];
      tokens.length = 0;
      let depth = 0;
      let openedAt = 0;
      while (this.pos < n) {
        const c = s.charCodeAt(this.pos);
        if (c === NL) {
          this.lineNo++;
          this.pos++;
          if (depth === 0) break;
        } else if (c === SPACE || c === TAB || c === CR) {
          this.pos++;
        } else if (c === SEMI) {
          const end = s.indexOf('\n', this.pos);
          this.pos = end < 0 ? n : end;
        } else if (c === OPEN) {
          if (depth++ === 0) openedAt = this.lineNo;
          this.pos++;
        } else if (c === CLOSE) {
          if (depth === 0) throw new PresentationError('unbalanced ")"', this.lineNo);
          depth--;
          this.pos++;
        } else if (c === QUOTE) {
          tokens.push(this.quoted());
        } else {
          tokens.push(this.word());
        }
      }
      if (depth > 0) throw new PresentationError('unbalanced "(": not closed by the end of the text', openedAt);
      if (tokens.length === 0) continue;
      if (!this.shared) return { tokens, line, blankOwner };
      this.shared.line = line;
      this.shared.blankOwner = blankOwner;
      return this.shared;
    }
    return null;
  }

  private quoted(): string {
    const s = this.text;
    const start = this.pos;
    let i = start + 1;
    for (;;) {
      const c = s.charCodeAt(i);
      if (i >= s.length || c === NL) throw new PresentationError('unterminated quoted string', this.lineNo);
      if (c === BACKSLASH) i += 2;
      else if (c === QUOTE) break;
      else i++;
    }
    this.pos = i + 1;
    return s.slice(start, i + 1);
  }

  private word(): string {
    const s = this.text;
    const start = this.pos;
    let i = start;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === BACKSLASH) {
        i++;
        continue;
      }
      if (c === SPACE || c === TAB || c === NL || c === CR || c === SEMI || c === OPEN || c === CLOSE || c === QUOTE) break;
    }
    this.pos = Math.min(i, s.length);
    return s.slice(start, this.pos);
  }
}
