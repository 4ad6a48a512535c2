/**
 * The parser of the Go text/template subset a template record may use:
 * text, `{{ ... }}` actions holding one command (a field chain such as
 * `.Group.a`, a method call `.Meta "key"`, or a function call `index .Match 1`
 * / `parseInt .Group.b 16 8`, with parenthesised commands as arguments),
 * `{{/* comments *\/}}` and the `{{-` / `-}}` trim markers. Everything else
 * Go's templates have (pipelines, variables, if, range, with, define...) is
 * refused with a message that says so: a template is parsed when the
 * Corefile loads, never evaluated as code.
 */

/** One argument of a command; `pos` is its offset in the template text (for Go's line:column). */
export type Arg =
  | { readonly kind: 'field'; readonly pos: number; readonly path: readonly string[] }
  | { readonly kind: 'string'; readonly pos: number; readonly value: string; readonly text: string }
  | { readonly kind: 'number'; readonly pos: number; readonly value: number; readonly text: string }
  | { readonly kind: 'bool'; readonly pos: number; readonly value: boolean }
  | { readonly kind: 'func'; readonly pos: number; readonly name: string }
  | { readonly kind: 'paren'; readonly pos: number; readonly command: Command };

/** Words of one command: a function or method call when it has arguments, else a single operand. */
export interface Command {
  readonly pos: number;
  readonly args: readonly Arg[];
}

export type Node = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'action'; readonly pos: number; readonly command: Command };

/** Thrown for a template that does not parse; `message` reads as Go's (`template: answer:1: ...`). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);
const SPACE = /[ \t\r\n]/;

/** Parses `text`, named `name` (the section: answer, additional, authority) in error messages. */
export function parseTemplate(name: string, text: string): Node[] {
  const nodes: Node[] = [];
  const fail = (pos: number, message: string): never => {
    throw new TemplateError(`template: ${name}:${lineOf(text, pos)}: ${message}`);
  };
  let at = 0;
  let trimNext = false;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    let chunk = text.slice(at, open < 0 ? text.length : open);
    if (trimNext) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      pushText(nodes, chunk);
      break;
    }
    let p = open + 2;
    if (text[p] === '-' && SPACE.test(text[p + 1] ?? '')) {
      chunk = chunk.replace(/[ \t\r\n]+$/, '');
      p += 2;
    }
    pushText(nodes, chunk);
    while (SPACE.test(text[p] ?? '')) p++;
    if (text.startsWith('/*', p)) {
      const end = text.indexOf('*/', p + 2);
      if (end < 0) fail(open, 'unclosed comment');
      const close = closeAt(text, end + 2);
      if (close === null) fail(open, 'comment ends before closing delimiter');
      trimNext = close!.trim;
      at = close!.after;
      continue;
    }
    const lexed = lexAction(text, p, fail);
    trimNext = lexed.trim;
    at = lexed.after;
    const parser = new CommandParser(lexed.tokens, fail, open);
    const command = parser.command(true);
    parser.expectEnd();
    nodes.push({ kind: 'action', pos: command.pos, command });
  }
  return nodes;
}

function pushText(nodes: Node[], text: string): void {
  if (text !== '') nodes.push({ kind: 'text', text });
}

/** Where an action's `}}` (or ` -}}`) at or after `p` (spaces allowed before it) ends, or null. */
function closeAt(text: string, p: number): { after: number; trim: boolean } | null {
  const spaceBefore = SPACE.test(text[p] ?? '');
  while (SPACE.test(text[p] ?? '')) p++;
  if (spaceBefore && text.startsWith('-}}', p)) return { after: p + 3, trim: true };
  if (text.startsWith('}}', p)) return { after: p + 2, trim: false };
  return null;
}

/** The 1-based line of `pos` in `text`. */
export function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

type Tok =
  | { readonly t: 'field'; readonly pos: number; readonly name: string }
  | { readonly t: 'dot'; readonly pos: number }
  | { readonly t: 'ident'; readonly pos: number; readonly name: string }
  | { readonly t: 'string'; readonly pos: number; readonly value: string; readonly text: string }
  | { readonly t: 'number'; readonly pos: number; readonly text: string }
  | { readonly t: '(' | ')' | 'space'; readonly pos: number };

type Fail = (pos: number, message: string) => never;

/** Splits one action into tokens, up to its closing delimiter. */
function lexAction(text: string, p: number, fail: Fail): { tokens: Tok[]; after: number; trim: boolean } {
  const tokens: Tok[] = [];
  const start = p;
  for (;;) {
    if (p >= text.length) fail(start, 'unclosed action');
    const c = text[p]!;
    if (SPACE.test(c)) {
      const close = closeAt(text, p);
      if (close) return { tokens, after: close.after, trim: close.trim };
      while (SPACE.test(text[p] ?? '')) p++;
      tokens.push({ t: 'space', pos: p });
      continue;
    }
    if (text.startsWith('}}', p)) return { tokens, after: p + 2, trim: false };
    if (c === '(' || c === ')') {
      tokens.push({ t: c, pos: p++ });
    } else if (c === '.' && /[A-Za-z_]/.test(text[p + 1] ?? '')) {
      const m = /^\.[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(p))!;
      tokens.push({ t: 'field', pos: p, name: m[0].slice(1) });
      p += m[0].length;
    } else if (c === '.' && !/[0-9]/.test(text[p + 1] ?? '')) {
      tokens.push({ t: 'dot', pos: p++ });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(p))!;
      tokens.push({ t: 'ident', pos: p, name: m[0] });
      p += m[0].length;
    } else if (/[0-9+\-.]/.test(c)) {
      const m = /^[+-]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)/.exec(text.slice(p));
      if (!m) fail(p, `bad number syntax: "${text.slice(p, p + 2)}"`);
      tokens.push({ t: 'number', pos: p, text: m![0] });
      p += m![0].length;
    } else if (c === '"' || c === '`') {
      const end = c === '"' ? quotedEnd(text, p) : text.indexOf('`', p + 1);
      if (end < 0) fail(p, c === '"' ? 'unterminated quoted string' : 'unterminated raw quoted string');
      const raw = text.slice(p, end + 1);
      tokens.push({ t: 'string', pos: p, text: raw, value: c === '"' ? unquote(raw, p, fail) : raw.slice(1, -1) });
      p = end + 1;
    } else if (c === '$') {
      fail(p, 'variables are not supported in chaindns templates');
    } else if (c === '|') {
      fail(p, 'pipelines (|) are not supported in chaindns templates');
    } else if (c === "'") {
      fail(p, 'character constants are not supported in chaindns templates');
    } else {
      fail(p, `unexpected "${c}" in command`);
    }
  }
}

/** The offset of the closing quote of the Go string starting at `p`, or -1. */
function quotedEnd(text: string, p: number): number {
  for (let i = p + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i;
    else if (c === '\n') return -1;
  }
  return -1;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** A Go interpreted string literal's value (strconv.Unquote for "..."). */
function unquote(raw: string, pos: number, fail: Fail): string {
  return raw.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_m, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e]!;
    if (/^[xuU]/.test(e)) return String.fromCodePoint(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return fail(pos, `invalid syntax in string ${raw}`);
  });
}

/** Turns one action's tokens into a command; parenthesised commands nest. */
class CommandParser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Tok[],
    private readonly fail: Fail,
    private readonly actionPos: number,
  ) {}

  command(top: boolean): Command {
    this.skipSpace();
    const first = this.tokens[this.i];
    if (!first || first.t === ')') this.fail(first?.pos ?? this.actionPos, top ? 'missing value for command' : 'missing value for parenthesized pipeline');
    if (first!.t === 'ident' && KEYWORDS.has(first!.name)) this.fail(first!.pos, `{{ ${first!.name} }} is not supported in chaindns templates`);
    const args: Arg[] = [];
    for (;;) {
      this.skipSpace();
      const tok = this.tokens[this.i];
      if (!tok || tok.t === ')') break;
      args.push(this.operand());
      const next = this.tokens[this.i];
      if (next && next.t !== 'space' && next.t !== ')') this.fail(next.pos, 'missing space between arguments');
    }
    return { pos: first!.pos, args };
  }

  expectEnd(): void {
    this.skipSpace();
    const tok = this.tokens[this.i];
    if (tok) this.fail(tok.pos, `unexpected "${tok.t}" in command`);
  }

  private operand(): Arg {
    const tok = this.tokens[this.i++]!;
    switch (tok.t) {
      case 'field': {
        const path = [tok.name];
        while (this.tokens[this.i]?.t === 'field') path.push((this.tokens[this.i++] as { name: string }).name);
        return { kind: 'field', pos: tok.pos, path };
      }
      case 'dot':
        return { kind: 'field', pos: tok.pos, path: [] };
      case 'string':
        return { kind: 'string', pos: tok.pos, value: tok.value, text: tok.text };
      case 'number': {
        const value = Number(tok.text.replace(/_/g, ''));
        if (!Number.isSafeInteger(value)) this.fail(tok.pos, `number ${tok.text} is not supported in chaindns templates (integers only)`);
        return { kind: 'number', pos: tok.pos, value, text: tok.text };
      }
      case 'ident':
        if (tok.name === 'true' || tok.name === 'false') return { kind: 'bool', pos: tok.pos, value: tok.name === 'true' };
        if (KEYWORDS.has(tok.name)) this.fail(tok.pos, `{{ ${tok.name} }} is not supported in chaindns templates`);
        return { kind: 'func', pos: tok.pos, name: tok.name };
      case '(': {
        const command = this.command(false);
        if (this.tokens[this.i]?.t !== ')') this.fail(tok.pos, 'unclosed left paren');
        this.i++;
        if (this.tokens[this.i]?.t === 'field') this.fail(this.tokens[this.i]!.pos, 'fields of a parenthesized result are not supported in chaindns templates');
        return { kind: 'paren', pos: tok.pos, command };
      }
      default:
        return this.fail(tok.pos, `unexpected "${tok.t}" in operand`);
    }
  }

  private skipSpace(): void {
    while (this.tokens[this.i]?.t === 'space') this.i++;
  }
}

/** A command as Go's parse tree prints it (`index .Match 1`): the error context and the metrics label. */
export function commandText(c: Command): string {
  return c.args.map(argText).join(' ');
}

function argText(a: Arg): string {
  switch (a.kind) {
    case 'field':
      return a.path.length === 0 ? '.' : '.' + a.path.join('.');
    case 'string':
    case 'number':
      return a.text;
    case 'bool':
      return String(a.value);
    case 'func':
      return a.name;
    case 'paren':
      return `(${commandText(a.command)})`;
  }
}

/** The template as Go's Tree.Root.String() prints it: text as is, actions without their inner spaces. */
export function templateText(nodes: readonly Node[]): string {
  return nodes.map((n) => (n.kind === 'text' ? n.text : `{{${commandText(n.command)}}}`)).join('');
}
