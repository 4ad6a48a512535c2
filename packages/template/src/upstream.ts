import type { Answer, Request } from '@chaindns/core';
import * as dnsPacket from 'dns-packet';

/** Sends a query through the server's own chain and resolves with the reply's bytes (the setup context's resolve). */
export type Resolve = (qname: string, qtype: number, from: Request) => Promise<Buffer>;

/**
 * CoreDNS's upstream for a templated answer to an A or AAAA question: after
 * each CNAME, the answer records of the same question for its target, asked
 * through the server itself (any block, any plugin); the reply's TC bit
 * carries over. A lookup that fails adds nothing.
 */
export async function upstreamAnswers(req: Request, answers: readonly Answer[], resolve: Resolve): Promise<{ records: Answer[]; truncated: boolean }> {
  const records: Answer[] = [];
  let truncated = false;
  for (const a of answers) {
    records.push(a);
    if (a.type !== 'CNAME') continue;
    let packet: dnsPacket.Packet;
    try {
      packet = dnsPacket.decode(await resolve(a.data, req.qtype, req));
    } catch {
      continue;
    }
    truncated = ((packet.flags ?? 0) & 0x200) !== 0;
    records.push(...(packet.answers ?? []));
  }
  return { records, truncated };
}
