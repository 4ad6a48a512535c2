import { HEADER_SIZE, QType, Rcode } from '../wire/constants.js';
import { skipName } from '../wire/name.js';
import { counts, skipQuestions } from '../wire/sections.js';

/** The one path DNS over HTTPS is served on (RFC 8484's example, CoreDNS's only one). */
export const DOH_PATH = '/dns-query';
/** The media type of a DNS message, RFC 8484 section 6. */
export const DOH_MEDIA_TYPE = 'application/dns-message';
/** The largest DNS message: what a POST body, or a GET's decoded `dns` parameter, may hold. */
export const MAX_DOH_MESSAGE = 65535;
/** base64url of MAX_DOH_MESSAGE bytes, without padding. */
const MAX_BASE64 = Math.ceil((MAX_DOH_MESSAGE * 4) / 3);
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** What a DoH request's method, path and headers say, before any body. */
export type DohHead =
  /** A GET: the message, decoded from its `dns` parameter. */
  | { readonly kind: 'message'; readonly msg: Buffer }
  /** A POST of a DNS message: its body is the message. */
  | { readonly kind: 'body' }
  /** Refused with this HTTP status (`allow` for a 405). */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string; readonly allow?: string };

function refused(status: number, reason: string, allow?: string): DohHead {
  return allow === undefined ? { kind: 'refused', status, reason } : { kind: 'refused', status, reason, allow };
}

/**
 * Reads a DoH request's head (RFC 8484 section 4.1): the path must be
 * `/dns-query` (else 404); GET carries the message in one `dns` parameter,
 * base64url without padding (else 400); POST carries it as its body, of
 * type `application/dns-message` (else 415); any other method gets 405.
 */
export function readDohHead(method: string | undefined, url: string | undefined, contentType: string | undefined): DohHead {
  const target = url ?? '';
  const q = target.indexOf('?');
  if ((q < 0 ? target : target.slice(0, q)) !== DOH_PATH) return refused(404, 'not found: DNS over HTTPS is served on /dns-query');
  if (method === 'POST') {
    const type = contentType?.split(';', 1)[0]!.trim().toLowerCase();
    return type === DOH_MEDIA_TYPE ? { kind: 'body' } : refused(415, `unsupported media type: a POST carries ${DOH_MEDIA_TYPE}`);
  }
  if (method !== 'GET') return refused(405, 'method not allowed: GET or POST', 'GET, POST');
  const text = q < 0 ? null : dnsParameter(target, q + 1);
  if (text === null) return refused(400, "invalid request: no 'dns' parameter");
  if (text === undefined) return refused(400, "invalid request: more than one 'dns' parameter");
  if (text.length > MAX_BASE64) return refused(400, 'invalid request: the dns parameter is longer than a DNS message');
  // Node's decoder skips what is not base64: check first, as Go's RawURLEncoding does.
  if (!BASE64URL.test(text) || text.length % 4 === 1) return refused(400, 'invalid request: the dns parameter is not base64url without padding');
  return { kind: 'message', msg: Buffer.from(text, 'base64url') };
}

/**
 * The value of the one `dns` parameter of the query string at `from`: null
 * when there is none, undefined when there are several. No percent-decoding:
 * base64url needs none, and an encoded character is no base64url.
 */
function dnsParameter(target: string, from: number): string | null | undefined {
  let found: string | null = null;
  while (from <= target.length) {
    let end = target.indexOf('&', from);
    if (end < 0) end = target.length;
    if (target.startsWith('dns=', from)) {
      if (found !== null) return undefined;
      found = target.slice(from + 4, end);
    }
    from = end + 1;
  }
  return found;
}

/** CoreDNS's Cache-Control for an answer with nothing to go by, and its cap (dnsutil.MinimalDefaultTTL, MaximumDefaultTTL). */
const MIN_MAX_AGE = 5;
const MAX_MAX_AGE = 3600;

/**
 * The `Cache-Control: max-age` of a DoH answer, as CoreDNS computes it: the
 * smallest TTL of its records (the OPT aside), at most an hour, for an answer,
 * a name error or no data (response.Typify); 5 seconds for anything else (a
 * server failure, a delegation, a zone transfer, no records).
 */
export function dohMaxAge(msg: Buffer): number {
  if (msg.length < HEADER_SIZE) return MIN_MAX_AGE;
  const rcode = msg[3]! & 0x0f;
  const [qd, an, ns, ar] = counts(msg);
  if ((rcode !== Rcode.NOERROR && rcode !== Rcode.NXDOMAIN) || (rcode === Rcode.NXDOMAIN && an > 0)) return MIN_MAX_AGE;
  let off = skipQuestions(msg, qd);
  if (qd > 0 && off >= 0) {
    const qtype = msg.readUInt16BE(off - 4);
    if (qtype === QType.AXFR || qtype === QType.IXFR) return MIN_MAX_AGE;
  }
  let min = MAX_MAX_AGE;
  let records = 0;
  let soa = false;
  let delegation = false;
  for (let i = 0; i < an + ns + ar && off >= 0; i++) {
    const t = skipName(msg, off);
    if (t < 0 || t + 10 > msg.length) return MIN_MAX_AGE;
    const type = msg.readUInt16BE(t);
    if (type !== QType.OPT) {
      records++;
      min = Math.min(min, msg.readUInt32BE(t + 4));
    }
    if (i >= an && i < an + ns) {
      soa ||= type === QType.SOA;
      delegation ||= type === QType.NS;
    }
    off = t + 10 + msg.readUInt16BE(t + 8);
  }
  if (records === 0 || (rcode === Rcode.NOERROR && an === 0 && !soa && delegation)) return MIN_MAX_AGE;
  return min;
}
