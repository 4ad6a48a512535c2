import { RE2JS } from 're2js';

/** CoreDNS's limit on a `match` pattern, against memory blow-ups when compiling. */
export const MAX_REGEX_LENGTH = 10000;

/** What a matching regex gives the templates: `.Match` and `.Group`. */
export interface Submatches {
  readonly match: readonly string[];
  /** The numbered submatches ("0", "1"...) and the named ones, as CoreDNS fills `.Group`. */
  readonly group: ReadonlyMap<string, string>;
}

const EMPTY_GROUP: ReadonlyMap<string, string> = new Map();

/**
 * A `match` pattern in Go's regexp syntax (RE2), run by re2js: the same
 * syntax (`(?P<name>...)`, `(?i)`, `\z`, POSIX classes) and the same
 * leftmost-first submatches as CoreDNS, in time linear in the name's length
 * whatever the pattern (no backtracking a crafted name could blow up).
 */
export class NameRegex {
  private readonly re: RE2JS | null;
  private readonly names: readonly [string, number][];

  /** Throws with Go's message (`error parsing regexp: ...`) when `source` does not compile. */
  constructor(readonly source: string) {
    if (source.length > MAX_REGEX_LENGTH) throw new Error(`regex pattern too long: ${source.length} > ${MAX_REGEX_LENGTH}`);
    // CoreDNS's default `.*` matches every name, whole: no engine needed.
    this.re = source === '.*' ? null : RE2JS.compile(source);
    this.names = this.re ? Object.entries(this.re.namedGroups()) : [];
  }

  /** Whether the pattern matches somewhere in `name` (the fast path: no submatches). */
  test(name: string): boolean {
    return this.re === null || this.re.test(name);
  }

  /** The submatches of the leftmost match in `name`, or null; a group that took no part is "". */
  exec(name: string): Submatches | null {
    if (this.re === null) return { match: [name], group: new Map([['0', name]]) };
    const m = this.re.matcher(name);
    if (!m.find()) return null;
    const match: string[] = [];
    const group = new Map<string, string>();
    for (let i = 0; i <= m.groupCount(); i++) {
      const s = m.group(i) ?? '';
      match.push(s);
      group.set(String(i), s);
    }
    for (const [n, i] of this.names) group.set(n, match[i] ?? '');
    return { match, group };
  }

  /** For a template that reads no submatch: the match alone, without building them. */
  static readonly NONE: Submatches = { match: [], group: EMPTY_GROUP };
}
