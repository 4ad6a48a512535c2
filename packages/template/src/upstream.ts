import type { Answer, Request } from '@chaindns/core';
import * as dnsPacket from 'dns-packet';

/** Sends a query through the server's own chain and resolves with the reply's bytes (the setup context's resolve). */
export type Resolve = (qname: string, qtype: number, from: Request) => Promise<Buffer>;

/**
 * CoreDNS's upstream for a templated answer to an A or AAAA question: after
 * each CNAME, the answer records of the same question for its target, asked
 * through the server itself (any block, any plugin); the reply's TC bit
 * carries over. A lookup that fails adds nothing. A record already in the
 * answer is not added again: a CNAME that leads back to its own name (the
 * server's lookups end after MAX_RESOLVE_HOPS) is answered once.
 */
export async function upstreamAnswers(req: Request, answers: readonly Answer[], resolve: Resolve): Promise<{ records: Answer[]; truncated: boolean }> {
  const records: Answer[] = [];
  const seen = new Set<string>();
  const key = (r: Answer): string => `${r.name.toLowerCase()}|${r.type}|${JSON.stringify((r as { data?: unknown }).data)}`;
  let truncated = false;
  for (const a of answers) {
    records.push(a);
    seen.add(key(a));
    if (a.type !== 'CNAME') continue;
    let packet: dnsPacket.Packet;
    try {
      packet = dnsPacket.decode(await resolve(a.data, req.qtype, req));
    } catch {
      continue;
    }
    truncated = ((packet.flags ?? 0) & 0x200) !== 0;
    for (const r of packet.answers ?? []) {
      const k = key(r);
      if (seen.has(k)) continue;
      seen.add(k);
      records.push(r);
    }
  }
  return { records, truncated };
}
