import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CorefileError } from '../errors.js';
import { substituteEnv, type Env } from './env.js';
import { lexCorefile, type TokenLine } from './lexer.js';
import type { Token } from './types.js';

/** Lines being read from one file or snippet; a glob import queues its further files in `pending`. */
interface Frame {
  /** The file's absolute path, or `(name)` for a snippet. */
  readonly origin: string;
  readonly lines: readonly TokenLine[];
  pos: number;
  readonly pending: string[];
  /** The import that opened the frame: where errors about its pending files point. */
  readonly token: Token;
}

interface Snippet {
  readonly lines: readonly TokenLine[];
  readonly token: Token;
}

// Caddy's cap too: without it, snippets importing each other twice over grow exponentially.
const maxImports = 1000;

/**
 * The lines of a Corefile in reading order, with each `import` line replaced
 * by the snippet or files it names, lazily, so that a snippet is known from
 * the line that defines it on (as in Caddy).
 */
export class LineReader {
  private readonly frames: Frame[];
  private readonly snippets = new Map<string, Snippet>();
  private imports = 0;

  /** `origin` is the absolute path of the text's file; `files` collects every file read. */
  constructor(lines: readonly TokenLine[], origin: string, private readonly env: Env, readonly files: string[]) {
    // The Corefile was opened by no import; it has no pending files, so its token is never shown.
    const token: Token = { text: origin, file: origin, line: 0, quoted: false };
    this.frames = [{ origin, lines, pos: 0, pending: [], token }];
  }

  /** The next line, imports expanded; undefined at the end. */
  next(): TokenLine | undefined {
    for (;;) {
      const line = this.nextRaw();
      if (!line || line[0].quoted || line[0].text !== 'import') return line;
      this.expand(line);
    }
  }

  /** The next line as written (a snippet's body keeps its imports for when it is used). */
  nextRaw(): TokenLine | undefined {
    const frame = this.top();
    return frame?.lines[frame.pos++];
  }

  /** The next line of the file or snippet being read, if it has one more. */
  peekRaw(): TokenLine | undefined {
    const frame = this.frames.at(-1);
    return frame?.lines[frame.pos];
  }

  defineSnippet(name: string, token: Token, lines: readonly TokenLine[]): void {
    const defined = this.snippets.get(name);
    if (defined) fail('CHAINDNS_COREFILE_SYNTAX', token, `snippet (${name}) is already defined at ${defined.token.file}:${defined.token.line}`);
    this.snippets.set(name, { lines, token });
  }

  /** The frame to read from, after dropping finished ones and opening a glob's next file. */
  private top(): Frame | undefined {
    for (;;) {
      const frame = this.frames.at(-1);
      if (!frame || frame.pos < frame.lines.length) return frame;
      this.frames.pop();
      const file = frame.pending.shift();
      if (file !== undefined) this.push(file, frame.pending, frame.token);
    }
  }

  private expand(line: TokenLine): void {
    const [keyword, arg] = line;
    if (!arg || line.length > 2) fail('CHAINDNS_COREFILE_IMPORT', keyword, 'import takes one argument: a snippet name, a file or a glob');
    const name = substituteEnv(arg.text, this.env);
    if (name === '') fail('CHAINDNS_COREFILE_IMPORT', arg, 'import needs a snippet name, a file or a glob');
    if (++this.imports > maxImports) fail('CHAINDNS_COREFILE_IMPORT', arg, `more than ${maxImports} imports: are snippets importing each other?`);
    const snippet = this.snippets.get(name);
    if (snippet) {
      this.checkCycle(`(${name})`, arg);
      this.frames.push({ origin: `(${name})`, lines: snippet.lines, pos: 0, pending: [], token: arg });
      return;
    }
    const [first, ...rest] = this.matchFiles(name, arg);
    if (first !== undefined) this.push(first, rest, arg);
  }

  private push(file: string, pending: string[], token: Token): void {
    this.checkCycle(file, token);
    this.frames.push({ origin: file, lines: this.load(file, token), pos: 0, pending, token });
  }

  private checkCycle(origin: string, token: Token): void {
    const at = this.frames.findIndex((frame) => frame.origin === origin);
    if (at < 0) return;
    const chain = [...this.frames.slice(at).map((frame) => frame.origin), origin].join(' -> ');
    fail('CHAINDNS_COREFILE_IMPORT', token, `import cycle: ${chain}`);
  }

  private load(file: string, token: Token): TokenLine[] {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      fail('CHAINDNS_COREFILE_IMPORT', token, `cannot import ${file}: ${describe(cause)}`, cause);
    }
    if (!this.files.includes(file)) this.files.push(file);
    return lexCorefile(text, file);
  }

  /** The files an import names, relative to the file where the `import` was written. */
  private matchFiles(pattern: string, token: Token): string[] {
    // Only the pattern as written may hold wildcards: the directories above it are taken literally.
    if (hasGlob(dirname(pattern))) fail('CHAINDNS_COREFILE_IMPORT', token, `import ${pattern}: wildcards are supported in the last path segment only`);
    const path = resolve(dirname(resolve(token.file)), pattern);
    const dir = dirname(path);
    const name = basename(path);
    if (!hasGlob(name)) {
      if (isFile(path)) return [path];
      const snippet = /[/.]/.test(pattern) ? '' : `no snippet (${pattern}) is defined above, and `;
      fail('CHAINDNS_COREFILE_IMPORT', token, `import ${pattern}: ${snippet}${path} is not a file`);
    }
    const matcher = compileGlob(name, token);
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return []; // a glob matching nothing is allowed, as in CoreDNS
    }
    return entries
      .filter((entry) => matcher.test(entry))
      .sort()
      .map((entry) => join(dir, entry))
      .filter(isFile);
  }
}

function hasGlob(text: string): boolean {
  return /[*?[]/.test(text);
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** A file name pattern as Go's filepath.Match: `*`, `?` and `[...]` (negated by `^` or `!`). */
function compileGlob(pattern: string, token: Token): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch !== '[') source += ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
    else {
      const negated = pattern[i + 1] === '^' || pattern[i + 1] === '!';
      const start = negated ? i + 2 : i + 1;
      const end = pattern.indexOf(']', start);
      if (end <= start) fail('CHAINDNS_COREFILE_IMPORT', token, `import pattern ${pattern}: expected characters and a closing ']' after '['`);
      source += `[${negated ? '^' : ''}${pattern.slice(start, end).replace(/[\\\]^[]/g, '\\$&')}]`;
      i = end;
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function fail(code: 'CHAINDNS_COREFILE_SYNTAX' | 'CHAINDNS_COREFILE_IMPORT', token: Token, message: string, cause?: unknown): never {
  throw new CorefileError(code, token.file, token.line, message, cause === undefined ? undefined : { cause });
}
