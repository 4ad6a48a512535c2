import { layout, QType, readName, rrType, skipName } from '@chaindns/core';
import type { RecordRef } from './reply-rebuild.js';

/** Asks the server's own chain for a name (CoreDNS's upstream.Lookup); resolves with the reply's bytes. */
export type Resolve = (qname: string, qtype: number) => Promise<Buffer>;

/**
 * The answer section a cname rule makes (CoreDNS's cname target rewrite):
 * for the first CNAME whose target a rule rewrites, the CNAMEs up to it are
 * kept, its target becomes the new one, and the answer of a lookup of the new
 * target (same type as the query) follows, with that lookup's TC bit. Null
 * when no CNAME matches.
 */
export async function cnameAnswers(
  msg: Buffer,
  rules: readonly ((target: string) => string | null)[],
  qtype: number,
  resolve: Resolve,
): Promise<{ records: RecordRef[]; truncated: boolean } | null> {
  const lay = layout(msg);
  if (!lay) return null;
  const kept: RecordRef[] = [];
  for (let i = 0; i < lay.an; i++) {
    const off = lay.starts[i]!;
    if (rrType(msg, off) !== QType.CNAME) continue;
    const target = readName(msg, skipName(msg, off) + 10);
    let to: string | null = null;
    for (const rule of rules) if (target !== null && (to = rule(target)) !== null) break;
    if (to === null) {
      kept.push({ src: msg, off });
      continue;
    }
    kept.push({ src: msg, off, target: to });
    const reply = await resolve(to, qtype);
    const found = layout(reply);
    if (found) for (let j = 0; j < found.an; j++) kept.push({ src: reply, off: found.starts[j]! });
    return { records: kept, truncated: (reply[2]! & 0x02) !== 0 };
  }
  return null;
}
