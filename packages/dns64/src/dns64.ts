import * as dnsPacket from 'dns-packet';
import { deriveRequest, Flag, type Handler, layout, type Next, PluginError, QClass, QType, Rcode, parseIPv6, rcodeOf, reply, type Request, type ResponseWriter, type Result, rrType } from '@chaindns/core';
import { embedIPv4 } from './ipv6.js';
import type { Dns64Metrics } from './metrics.js';

export interface Dns64Options {
  /** `address/length`, as the config holds it. */
  readonly prefix: string;
  readonly translateAll: boolean;
  readonly allowIPv4: boolean;
  readonly metrics: Dns64Metrics;
}

/** Keeps the first reply written to it: what the rest of the chain answered. */
class Capture implements ResponseWriter {
  msg: Buffer | null = null;
  write(msg: Buffer): void {
    this.msg ??= msg;
  }
}

/** RFC 6147 5.1.7: the TTL cap when the AAAA answer has no SOA. */
const DEFAULT_SOA_TTL = 600;

/**
 * The `dns64` handler (RFC 6147): an AAAA question (from an IPv6 client,
 * or any with allow_ipv4) whose answer has no AAAA records, and is not
 * NXDOMAIN, is asked again as A of the rest of the chain, and the A records
 * come back as AAAA under the prefix.
 */
export function createDns64(options: Dns64Options): Handler {
  const [address, length] = options.prefix.split('/') as [string, string];
  const prefix = parseIPv6(address)!;
  const bits = Number(length);
  const { translateAll, allowIPv4, metrics } = options;

  const translates = (msg: Buffer): boolean => {
    if (rcodeOf(msg) === Rcode.NXDOMAIN) return false;
    if (translateAll) return true;
    const lay = layout(msg);
    if (!lay) return true;
    for (let i = 0; i < lay.an; i++) if (rrType(msg, lay.starts[i]!) === QType.AAAA) return false;
    return true;
  };

  const synthesize = (req: Request, aaaa: Buffer, a: Buffer): Buffer => {
    const soa = dnsPacket.decode(aaaa).authorities?.findLast((r) => r.type === 'SOA');
    const soaTtl = soa?.ttl ?? DEFAULT_SOA_TTL;
    const resp = dnsPacket.decode(a);
    const answers = (resp.answers ?? []).map((rr): dnsPacket.Answer => {
      if (rr.type !== 'A') return rr;
      const ttl = Math.min(rr.ttl ?? 0, soaTtl);
      return { name: rr.name, type: 'AAAA', class: rr.class ?? 'IN', ttl, data: embedIPv4(prefix, bits, rr.data.split('.').map(Number)) };
    });
    const out = reply(req, { answers, authorities: resp.authorities ?? [], additionals: (resp.additionals ?? []).filter((r) => r.type !== 'OPT') });
    // The A answer's truncation is the synthesized one's, as CoreDNS keeps it.
    if (a[2]! & (Flag.TC >> 8)) out[2]! |= Flag.TC >> 8;
    return out;
  };

  const translate = (req: Request, w: ResponseWriter, next: Next, aaaa: Buffer): Result => {
    const query = Buffer.from(req.msg);
    query.writeUInt16BE(QType.A, req.nameEnd);
    const capture = new Capture();
    const done = (): number => {
      if (!capture.msg) throw new PluginError('dns64', Rcode.SERVFAIL, `no answer to ${req.qname} A`);
      metrics.translated.inc({ server: req.server });
      w.write(synthesize(req, aaaa, capture.msg));
      return Rcode.NOERROR;
    };
    const result = next(deriveRequest(req, query), capture);
    return typeof result === 'number' ? done() : result.then(done);
  };

  return {
    name: 'dns64',
    serveDNS(req: Request, w: ResponseWriter, next: Next): Result {
      if ((!allowIPv4 && req.remote.family !== 6) || req.qtype !== QType.AAAA || req.qclass !== QClass.IN) return next(req, w);
      const capture = new Capture();
      const answered = (rcode: number): Result => {
        // Nothing written: the server answers the chain's rcode.
        if (!capture.msg) return rcode;
        if (!translates(capture.msg)) {
          w.write(capture.msg);
          return rcode;
        }
        return translate(req, w, next, capture.msg);
      };
      const result = next(req, capture);
      return typeof result === 'number' ? answered(result) : result.then(answered);
    },
  };
}
