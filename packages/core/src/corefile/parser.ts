import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChainDNSError, CorefileError } from '../errors.js';
import { substituteToken, type Env } from './env.js';
import { LineReader } from './imports.js';
import { parseServerKey } from './keys.js';
import { failStrayClose, failUnclosed, isBrace, lexCorefile, type TokenLine } from './lexer.js';
import type { Corefile, Directive, ParseOptions, ServerBlock, ServerKey, Token } from './types.js';

/**
 * Parses Corefile text into server blocks. `Corefile.files` lists the files
 * its imports read (the text itself came from no file).
 */
export function parseCorefile(text: string, options: ParseOptions = {}): Corefile {
  const file = options.file ?? 'Corefile';
  return parseLines(lexCorefile(text, file), file, options, []);
}

/** Reads and parses the Corefile at `path`; `Corefile.files` starts with its absolute path. */
export function readCorefile(path: string, options: Omit<ParseOptions, 'file'> = {}): Corefile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ChainDNSError('CHAINDNS_COREFILE_IMPORT', `cannot read the Corefile ${path}: ${reason}`, { cause });
  }
  return parseLines(lexCorefile(text, path), path, options, [resolve(path)]);
}

function parseLines(lines: readonly TokenLine[], file: string, options: ParseOptions, files: string[]): Corefile {
  const env = options.env ?? process.env;
  const reader = new LineReader(lines, resolve(file), env, files);
  const blocks = new Parser(reader, env, options.defaultPort ?? 53).parse();
  return { blocks, files };
}

/** A line without its trailing `{`, and that `{` (also when it stood alone on the next line). */
interface Opened {
  readonly tokens: readonly Token[];
  readonly open: Token | null;
}

class Parser {
  private readonly blocks: ServerBlock[] = [];

  constructor(
    private readonly reader: LineReader,
    private readonly env: Env,
    private readonly defaultPort: number,
  ) {}

  parse(): ServerBlock[] {
    for (let line = this.reader.next(); line; line = this.reader.next()) {
      if (isClose(line)) failStrayClose(line[0]);
      if (isSnippetHeader(line)) this.parseSnippet(line);
      else this.parseBlock(line);
    }
    return this.blocks;
  }

  /** `(name) { ... }`: the body is kept as written and pasted by `import name`. */
  private parseSnippet(line: TokenLine): void {
    const head = line[0];
    const { open } = this.takeOpenBrace(line);
    if (!open) fail(head, `snippet ${head.text} needs a body: expected '{' after its name`);
    const body: TokenLine[] = [];
    for (let depth = 1; ; ) {
      const next = this.reader.nextRaw();
      if (!next) failUnclosed(open);
      if (isClose(next) && --depth === 0) break;
      if (isBrace(next[next.length - 1]!, '{')) depth++;
      body.push(next);
    }
    this.reader.defineSnippet(head.text.slice(1, -1), head, body);
  }

  /** `KEYS {` directives `}`; the first block may leave out its braces and take the rest of the file. */
  private parseBlock(line: TokenLine): void {
    let { tokens, open } = this.takeOpenBrace(line);
    if (tokens.length === 0) fail(line[0], `a server block needs keys: expected zones such as "example.org" before '{'`);
    const keys: ServerKey[] = [];
    // A trailing comma continues the keys on the next line, as in Caddy.
    for (let keyed = false; ; ) {
      keyed = this.collectKeys(tokens, keys, keyed);
      if (keyed) break;
      const last = open ?? tokens[tokens.length - 1]!;
      const next = open ? undefined : this.reader.next();
      if (!next || isClose(next)) fail(last, `expected another key after ','`);
      ({ tokens, open } = this.takeOpenBrace(next));
    }
    const first = keys[0]!.token;
    let directives: Directive[];
    if (open) directives = this.parseDirectives(open);
    else if (this.blocks.length === 0) directives = this.parseDirectives(null);
    else fail(tokens[tokens.length - 1]!, `expected '{' after the server block keys (only a Corefile's first and only block may leave out its braces)`);
    this.blocks.push({ keys, directives, file: first.file, line: first.line });
  }

  /**
   * Adds the keys of one line (split at commas and whitespace). `keyed` tells
   * whether a key came since the last comma; the result is false when the line
   * ended on a comma.
   */
  private collectKeys(tokens: readonly Token[], keys: ServerKey[], keyed: boolean): boolean {
    for (const written of tokens) {
      const token = substituteToken(written, this.env);
      if (token.text === '') fail(token, `empty key: expected a zone such as "example.org" or "."`);
      for (const [i, part] of token.text.split(',').entries()) {
        if (i > 0 && !keyed) fail(token, `empty key: expected a zone before ','`);
        if (i > 0) keyed = false;
        if (part === '') continue;
        this.addKeys(part === token.text ? token : { ...token, text: part }, keys);
        keyed = true;
      }
    }
    return keyed;
  }

  private addKeys(token: Token, keys: ServerKey[]): void {
    // A zone and port repeated in another block is checked once the plugins are known (duplicateKeys): blocks with a view share them.
    keys.push(...parseServerKey(token, this.defaultPort));
  }

  /**
   * Directive lines up to the `}` that closes `open`, or to the end of the
   * file when `open` is null; `outer` names the directives they are inside.
   */
  private parseDirectives(open: Token | null, outer: readonly string[] = []): Directive[] {
    const directives: Directive[] = [];
    for (;;) {
      const line = this.reader.next();
      if (!line) {
        if (open) failUnclosed(open);
        return directives;
      }
      if (isClose(line)) {
        if (open) return directives;
        failStrayClose(line[0]);
      }
      directives.push(this.parseDirective(line, outer));
    }
  }

  private parseDirective(line: TokenLine, outer: readonly string[]): Directive {
    const { tokens, open } = this.takeOpenBrace(line);
    const [written, ...args] = tokens;
    if (!written) fail(line[0], `unexpected '{': expected a directive name before it`);
    const name = substituteToken(written, this.env);
    if (name.text === '') fail(name, `empty directive name`);
    // Every token of the line knows its directive, so argument errors can name it.
    const directive = [...outer, name.text];
    const own = (t: Token): Token => ({ ...t, directive });
    return {
      name: name.text,
      token: own(name),
      args: args.map((arg) => own(substituteToken(arg, this.env))),
      block: open ? this.parseDirectives(open, directive) : null,
    };
  }

  /** Only a `{` of the same file or snippet can stand alone on the next line. */
  private takeOpenBrace(line: TokenLine): Opened {
    const last = line[line.length - 1]!;
    if (isBrace(last, '{')) return { tokens: line.slice(0, -1), open: last };
    const next = this.reader.peekRaw();
    if (next?.length !== 1 || !isBrace(next[0], '{')) return { tokens: line, open: null };
    this.reader.nextRaw();
    return { tokens: line, open: next[0] };
  }
}

function isClose(line: TokenLine): boolean {
  return line.length === 1 && isBrace(line[0], '}');
}

function isSnippetHeader(line: TokenLine): boolean {
  const [head, brace] = line;
  const bodyFollows = line.length === 1 || (line.length === 2 && brace !== undefined && isBrace(brace, '{'));
  return !head.quoted && /^\(.+\)$/.test(head.text) && bodyFollows;
}

function fail(token: Token, message: string): never {
  throw new CorefileError('CHAINDNS_COREFILE_SYNTAX', token.file, token.line, message);
}
