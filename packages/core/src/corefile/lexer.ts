import { CorefileError } from '../errors.js';
import type { Token } from './types.js';

/** The tokens of one logical line (a directive or server block keys), never empty. */
export type TokenLine = readonly [Token, ...Token[]];

const space = /\s/;

/**
 * Splits Corefile text into lines of tokens, as Caddy's lexer does: whitespace
 * separates tokens, `#` comments to the end of the line, and a token opened by
 * `"` runs to the next unescaped `"` (spaces, `#`, braces and newlines included).
 * Braces are tokens only when written alone, so `{$VAR}` stays one word.
 * Each text must balance its braces, so a block never spans two files.
 */
export function lexCorefile(text: string, file: string): TokenLine[] {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines: TokenLine[] = [];
  let tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const endLine = (): void => {
    const [first, ...rest] = tokens;
    if (first) lines.push(checkBraces([first, ...rest]));
    tokens = [];
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\n') {
      endLine();
      line++;
      i++;
    } else if (space.test(ch)) {
      i++;
    } else if (ch === '#') {
      const newline = src.indexOf('\n', i);
      i = newline < 0 ? src.length : newline;
    } else if (ch === '"') {
      const quoted = readQuoted(src, i, file, line);
      tokens.push({ text: quoted.text, file, line, quoted: true });
      line += quoted.newlines;
      i = quoted.end;
    } else {
      let end = i + 1;
      while (end < src.length && !space.test(src[end]!) && src[end] !== '#') end++;
      tokens.push({ text: src.slice(i, end), file, line, quoted: false });
      i = end;
    }
  }
  endLine();
  checkBalance(lines);
  return lines;
}

/** Reads the quoted token starting at `start` (on its `"`). Only `\"` is an escape; other backslashes stay. */
function readQuoted(src: string, start: number, file: string, line: number): { text: string; end: number; newlines: number } {
  let text = '';
  let newlines = 0;
  for (let i = start + 1; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '"') return { text, end: i + 1, newlines };
    if (ch === '\\' && i + 1 < src.length) {
      const next = src[++i]!;
      text += next === '"' ? '"' : ch + next;
      if (next === '\n') newlines++;
      continue;
    }
    if (ch === '\n') newlines++;
    text += ch;
  }
  throw new CorefileError('CHAINDNS_COREFILE_SYNTAX', file, line, `unterminated quoted string: expected a closing '"'`);
}

/** True for an unquoted `{` or `}` token. */
export function isBrace(token: Token, brace: '{' | '}'): boolean {
  return !token.quoted && token.text === brace;
}

/** A `{` must end its line and a `}` must stand alone, so a line is one directive at most. */
function checkBraces(line: TokenLine): TokenLine {
  line.forEach((token, i) => {
    // `}}` is one word to the lexer: taken as a directive, it would leave its blocks open and the error would point at their '{'.
    if (!token.quoted && /^}{2,}$/.test(token.text)) {
      fail(token, `unexpected '${token.text}': write each closing brace on a line of its own`);
    }
    if (isBrace(token, '{') && i !== line.length - 1) {
      fail(token, `unexpected '{' before "${line[i + 1]!.text}": a block opens at the end of a line`);
    }
    if (isBrace(token, '}') && line.length > 1) {
      fail(token, `unexpected tokens beside '}': a closing brace must be on a line of its own`);
    }
  });
  return line;
}

function checkBalance(lines: readonly TokenLine[]): void {
  const open: Token[] = [];
  for (const line of lines) {
    const last = line[line.length - 1]!;
    if (isBrace(last, '{')) open.push(last);
    else if (line.length === 1 && isBrace(last, '}') && !open.pop()) failStrayClose(last);
  }
  const innermost = open.at(-1);
  if (innermost) failUnclosed(innermost);
}

export function failUnclosed(open: Token): never {
  fail(open, `unclosed block: expected '}' to close the '{' opened here before the end of the file`);
}

export function failStrayClose(close: Token): never {
  fail(close, `unexpected '}': no block is open`);
}

function fail(token: Token, message: string): never {
  throw new CorefileError('CHAINDNS_COREFILE_SYNTAX', token.file, token.line, message);
}
