/** One word of a Corefile, with where it was written. */
export interface Token {
  readonly text: string;
  readonly file: string;
  readonly line: number;
  /** True when the token was written in double quotes (so `{` or `#` inside it are plain text). */
  readonly quoted: boolean;
  /**
   * The directive this token belongs to (its name or one of its arguments),
   * as the names from the outermost block in: `['kubernetes', 'ttl']` for the
   * tokens of `ttl 30` inside `kubernetes { ... }`. Argument errors start with
   * it (`kubernetes: ttl: ...`). Absent for server block keys.
   */
  readonly directive?: readonly string[];
}

/**
 * A directive line: its name, its arguments and, when it opens a `{ ... }`
 * block, the sub-directives inside (each again a Directive, nested to any depth).
 */
export interface Directive {
  readonly name: string;
  /** The token holding the name, for error positions. */
  readonly token: Token;
  readonly args: readonly Token[];
  /** The sub-directives of a `{ ... }` block, or null when the directive has no block. */
  readonly block: readonly Directive[] | null;
}

/**
 * How a server block's key is served: `dns` (UDP and TCP), `tls` (DNS over
 * TLS, RFC 7858) or `https` (DNS over HTTPS, RFC 8484).
 */
export type Scheme = 'dns' | 'tls' | 'https';

/** One key of a server block, resolved to a scheme, a zone and a port. */
export interface ServerKey {
  /** The key as written, e.g. `dns://example.org:1053` or `10.0.0.0/24`. */
  readonly token: Token;
  /** The key's scheme; `dns` when it names none. */
  readonly scheme: Scheme;
  /** Lowercased FQDN with a trailing dot: `.`, `example.org.`, `0.0.10.in-addr.arpa.` */
  readonly zone: string;
  readonly port: number;
}

export interface ServerBlock {
  /** A CIDR key that is not on an octet (nibble) boundary expands into several keys. */
  readonly keys: readonly ServerKey[];
  readonly directives: readonly Directive[];
  readonly file: string;
  readonly line: number;
}

export interface Corefile {
  readonly blocks: readonly ServerBlock[];
  /** Every file read while parsing (the Corefile and its imports), absolute paths, for reload's watch. */
  readonly files: readonly string[];
}

export interface ParseOptions {
  /** The name used in error positions and the base for relative imports. Default `Corefile`. */
  readonly file?: string;
  /** The port for keys that name none (CoreDNS's `-dns.port`). Default 53. */
  readonly defaultPort?: number;
  /** The environment for `{$VAR}` and `{%VAR%}`. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}
