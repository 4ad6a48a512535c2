/** A primary in a few lines (core's test upstream over TCP), for what BIND cannot be made to do on cue. */
import type * as dnsPacket from 'dns-packet';
import { Rcode } from '@chaindns/core';
import { rr, startTestUpstream, type TestUpstream } from '@chaindns/core/testing';

/** A scripted primary's zone and how it answers: `down` refuses everything, `ixfr` says how IXFR is answered. */
export interface Script {
  serial: number;
  timers: string;
  down: boolean;
  ixfr: 'notimp' | 'whole';
}

export const soaOf = (s: Script): string => `example.org. 3600 IN SOA ns1.example.org. hostmaster.example.org. ${s.serial} ${s.timers}`;

/** A primary over TCP that serves example.org from the script; its queries are counted by type. */
export async function scriptedPrimary(script: Script): Promise<{ upstream: TestUpstream; asked: string[] }> {
  const asked: string[] = [];
  const upstream = await startTestUpstream({
    handler: (q) => {
      const question = q.questions![0]!;
      asked.push(question.type);
      const answer = (rcode: number, answers: string[]): dnsPacket.Packet => ({ id: q.id, type: 'response', flags: 0x0400 | rcode, questions: q.questions, answers: answers.map(rr) }) as dnsPacket.Packet;
      if (script.down) return answer(Rcode.REFUSED, []);
      const zone = [soaOf(script), 'example.org. 300 IN NS ns1.example.org.', 'ns1.example.org. 300 IN A 127.0.0.1', `serial.example.org. 300 IN TXT "${script.serial}"`];
      if (question.type === 'SOA') return answer(Rcode.NOERROR, [soaOf(script)]);
      if (question.type === 'IXFR' && script.ixfr === 'notimp') return answer(Rcode.NOTIMP, []);
      return answer(Rcode.NOERROR, [...zone, soaOf(script)]);
    },
  });
  return { upstream, asked };
}

/**
 * A primary of several zones, each its records as presentation text, the SOA first; a zone it
 * does not have is REFUSED. IXFR gets the whole zone. Change `zones` to change what it serves.
 */
export async function zonesPrimary(zones: Map<string, string[]>): Promise<{ upstream: TestUpstream; asked: string[] }> {
  const asked: string[] = [];
  const upstream = await startTestUpstream({
    handler: (q) => {
      const question = q.questions![0]!;
      const origin = `${question.name.toLowerCase().replace(/\.$/, '')}.`;
      asked.push(`${question.type} ${origin}`);
      const records = zones.get(origin);
      const answer = (rcode: number, answers: string[]): dnsPacket.Packet => ({ id: q.id, type: 'response', flags: 0x0400 | rcode, questions: q.questions, answers: answers.map(rr) }) as dnsPacket.Packet;
      if (!records) return answer(Rcode.REFUSED, []);
      if (question.type === 'SOA') return answer(Rcode.NOERROR, [records[0]!]);
      return answer(Rcode.NOERROR, [...records, records[0]!]);
    },
  });
  return { upstream, asked };
}
