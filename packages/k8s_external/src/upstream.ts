import type { Answer, Request } from '@chaindns/core';
import * as dnsPacket from 'dns-packet';

/** Sends a query through the server itself (the setup context's resolve) and resolves with the reply's bytes. */
export type Resolve = (qname: string, qtype: number, via: Request) => Promise<Buffer>;

/**
 * The answer records for `name` and `qtype`, asked through the server itself
 * (CoreDNS's upstream.Lookup), and whether that reply was truncated; a lookup
 * that fails, or a reply that does not decode, adds nothing.
 */
export async function lookup(resolve: Resolve, req: Request, name: string, qtype: number): Promise<{ records: Answer[]; truncated: boolean }> {
  try {
    const packet = dnsPacket.decode(await resolve(name, qtype, req));
    return { records: packet.answers ?? [], truncated: ((packet.flags ?? 0) & 0x200) !== 0 };
  } catch {
    return { records: [], truncated: false };
  }
}
