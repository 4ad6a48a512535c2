import * as dnsPacket from 'dns-packet';
import { parseRecord } from './presentation.js';
import type { Answer } from './reply.js';

/**
 * One record from presentation text as a dns-packet record, for plugins that
 * build replies with `reply()` (template) and for the test kit: parseRecord
 * reads it (every type it knows, RFC 3597's generic form for any), and
 * dns-packet decodes the wire form, so the two readers never disagree.
 */
export function parseAnswer(text: string, options: { origin?: string; ttl?: number } = {}): Answer {
  const r = parseRecord(text, options);
  // dns-packet decodes the record behind a root owner (its record decoder is public, not typed); the owner is the text's.
  const wire = Buffer.allocUnsafe(11 + r.rdata.length);
  wire[0] = 0;
  wire.writeUInt16BE(r.type, 1);
  wire.writeUInt16BE(r.class, 3);
  wire.writeUInt32BE(r.ttl, 5);
  wire.writeUInt16BE(r.rdata.length, 9);
  r.rdata.copy(wire, 11);
  const answer = (dnsPacket as unknown as { answer: { decode(buf: Buffer, offset: number): Answer } }).answer.decode(wire, 0);
  answer.name = r.owner === '.' ? '.' : r.owner.slice(0, -1);
  return answer;
}
