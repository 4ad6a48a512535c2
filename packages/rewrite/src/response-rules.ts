/** Rewrites one name of a reply (presentation form, letter case as written); a name it does not match comes back as it was. */
export type NameRewriter = (name: string) => string;

/**
 * What a rule that applied asks of the reply (CoreDNS's ResponseRules). They
 * are applied in the reverse of the order the rules applied in, so a chain of
 * `continue` rules is undone from its last step back.
 */
export type ResponseRule =
  /** Owner names of the reply's records. */
  | { readonly kind: 'name'; readonly rewrite: NameRewriter }
  /** The name a CNAME, DNAME, NS, PTR, MX, SRV, NAPTR or SOA record points to. */
  | { readonly kind: 'value'; readonly rewrite: NameRewriter }
  /** Every record's TTL, clamped to [min, max]. */
  | { readonly kind: 'ttl'; readonly min: number; readonly max: number }
  /** The reply's rcode, when it is `from`. */
  | { readonly kind: 'rcode'; readonly from: number; readonly to: number }
  /** The reply's EDNS0 option `code` put back as the client sent it: its data, or none (`null`). */
  | { readonly kind: 'edns'; readonly code: number; readonly data: Uint8Array | null }
  /** A CNAME target to ask for again under a new name (null: not this one). */
  | { readonly kind: 'cname'; readonly target: (target: string) => string | null };

/**
 * Maps `from` to `to`, and names under `from` to the same names under `to`
 * (CoreDNS's remapStringRewriter): what undoes a name rule for `answer auto`.
 */
export function remapRewriter(from: string, to: string): NameRewriter {
  return (name) => {
    if (name === from) return to;
    const i = name.length - from.length;
    return i > 0 && name.charCodeAt(i - 1) === 0x2e && name.endsWith(from) ? name.slice(0, i) + to : name;
  };
}

/** Replaces the suffix `from` with `to`, wherever the suffix starts (CoreDNS's suffixStringRewriter). */
export function suffixRewriter(from: string, to: string): NameRewriter {
  return (name) => (name.endsWith(from) ? name.slice(0, name.length - from.length) + to : name);
}
