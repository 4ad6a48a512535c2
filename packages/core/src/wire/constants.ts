/** DNS numbers used by core and plugins; names follow the RFCs (and miekg/dns, as CoreDNS). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADMODE: 19,
  BADNAME: 20,
  BADALG: 21,
  BADTRUNC: 22,
  BADCOOKIE: 23,
} as const;
export type RcodeValue = (typeof Rcode)[keyof typeof Rcode];

const rcodeNames: Record<number, string> = Object.fromEntries(Object.entries(Rcode).map(([k, v]) => [v, k]));
/** The rcode's mnemonic (`NOERROR`, `NXDOMAIN`...), or its number as text. */
export function rcodeName(rcode: number): string {
  return rcodeNames[rcode] ?? String(rcode);
}

export const QType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  NAPTR: 35,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  HTTPS: 65,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  SPF: 99,
  URI: 256,
  CAA: 257,
  SSHFP: 44,
  TLSA: 52,
  SVCB: 64,
  DNAME: 39,
  NULL: 10,
  WKS: 11,
  RP: 17,
  AFSDB: 18,
  LOC: 29,
  CERT: 37,
  APL: 42,
  DHCID: 49,
  NSEC3PARAM: 51,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  TKEY: 249,
  TSIG: 250,
  MAILB: 253,
  MAILA: 254,
} as const;

const typeNames: Record<number, string> = Object.fromEntries(Object.entries(QType).map(([k, v]) => [v, k]));
/** The type's mnemonic (`A`, `AAAA`), or `TYPE<n>` (RFC 3597) for one we do not name. */
export function typeName(qtype: number): string {
  return typeNames[qtype] ?? `TYPE${qtype}`;
}

export const QClass = { IN: 1, CS: 2, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

const classNames: Record<number, string> = Object.fromEntries(Object.entries(QClass).map(([k, v]) => [v, k]));
/** The class's mnemonic (`IN`, `CH`), or `CLASS<n>` (RFC 3597) for one we do not name. */
export function className(qclass: number): string {
  return classNames[qclass] ?? `CLASS${qclass}`;
}

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

/** Header flag bits in the second 16-bit word. */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

export const HEADER_SIZE = 12;
/** The UDP payload a client without EDNS0 can take (RFC 1035). */
export const MIN_UDP_SIZE = 512;
/** The largest EDNS0 UDP payload we answer with, whatever a client offers. */
export const MAX_UDP_SIZE = 4096;
/** The OPT record's DO bit, in the OPT TTL field's flags half. */
export const EDNS_DO = 0x8000;
