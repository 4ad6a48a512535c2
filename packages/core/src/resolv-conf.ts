/**
 * The search list of a resolv.conf(5) text, as CoreDNS reads it (miekg/dns's
 * ClientConfig, then normalized): the last `search` or `domain` line wins,
 * `domain` sets a list of one; each name lowercased and fully qualified.
 * Other lines (nameserver, options, comments) play no part.
 */
export function resolvConfSearch(text: string): string[] {
  let search: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'search') search = fields.slice(1);
    else if (fields[0] === 'domain') search = fields.slice(1, 2);
  }
  return search.map((name) => {
    const lower = name.toLowerCase();
    return lower.endsWith('.') ? lower : `${lower}.`;
  });
}
