import { setTimeout as sleep } from 'node:timers/promises';
import { type Answer, Flag, type Handler, NO_REPLY, QType, Rcode, reply, type Request, type ResponseWriter, type Result, type SearchPathProvider } from '@chaindns/core';
import type { ErraticConfig } from './setup.js';

export interface ErraticHandler extends Handler, SearchPathProvider {
  /** Ready while the count of queries is in [3, 5), so tests see readiness flip (as CoreDNS). */
  ready(): boolean;
}

/** The answer of a small zone transfer of `zone`, as CoreDNS's erratic sends it; the closing SOA only when not truncated. */
function transfer(zone: string, truncated: boolean): Answer[] {
  const soa: Answer = { name: zone, type: 'SOA', ttl: 0, data: { mname: 'sns.dns.icann.org', rname: 'noc.dns.icann.org', serial: 2018050825, refresh: 7200, retry: 3600, expire: 1209600, minimum: 3600 } };
  const sub = (label: string): string => (zone === '.' ? `${label}.` : `${label}.${zone}`);
  const records: Answer[] = [
    soa,
    { name: zone, type: 'NS', ttl: 0, data: sub('b') },
    { name: zone, type: 'NS', ttl: 0, data: sub('a') },
    { name: sub('a'), type: 'AAAA', ttl: 0, data: '2001:bd8::53' },
    { name: sub('b'), type: 'AAAA', ttl: 0, data: '2001:500::54' },
  ];
  return truncated ? records : [...records, soa];
}

/**
 * The `erratic` handler: answers A with 192.0.2.53 and AAAA with
 * 2001:db8::53 (AA set), AXFR with a small zone, anything else SERVFAIL;
 * 1 query in `drop` gets no reply, 1 in `truncate` has TC set and 1 in
 * `delay` waits `duration` first. It ends the chain.
 */
export function createErratic(config: ErraticConfig): ErraticHandler {
  let queries = 0;
  const answer = (req: Request, w: ResponseWriter, truncated: boolean): number => {
    const name = req.qnameRaw;
    let answers: Answer[];
    if (req.qtype === QType.A) answers = new Array<Answer>(config.large ? 30 : 1).fill({ name, type: 'A', ttl: 0, data: '192.0.2.53' });
    else if (req.qtype === QType.AAAA) answers = [{ name, type: 'AAAA', ttl: 0, data: '2001:db8::53' }];
    else if (req.qtype === QType.AXFR) answers = transfer(req.qname, truncated);
    else return Rcode.SERVFAIL;
    const out = reply(req, { authoritative: true, answers });
    // A zone transfer is cut short by leaving out its closing SOA, not by TC.
    if (truncated && req.qtype !== QType.AXFR) out[2]! |= Flag.TC >> 8;
    w.write(out);
    return Rcode.NOERROR;
  };
  return {
    name: 'erratic',
    serveDNS(req: Request, w: ResponseWriter): Result {
      const n = queries++;
      const truncated = config.truncate > 0 && n % config.truncate === 0;
      if (config.drop > 0 && n % config.drop === 0) return NO_REPLY;
      if (config.delay > 0 && n % config.delay === 0) return sleep(config.duration).then(() => answer(req, w, truncated));
      return answer(req, w, truncated);
    },
    ready: () => queries >= 3 && queries < 5,
    searchPath: () => ['a.example.org.', 'b.example.org.', '.'],
  };
}
