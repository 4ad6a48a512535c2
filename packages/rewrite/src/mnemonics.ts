import { QType } from '@chaindns/core';

/** The classes miekg/dns names (CoreDNS's dns.StringToClass). */
export const CLASSES: Readonly<Record<string, number>> = { IN: 1, CS: 2, CH: 3, HS: 4, NONE: 254, ANY: 255 };

/** The rcodes CoreDNS's README lists for rcode rules, by name. */
export const RCODES: Readonly<Record<string, number>> = {
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
  BADSIG: 16,
  BADVERS: 16,
  BADKEY: 17,
  BADTIME: 18,
  BADMODE: 19,
  BADNAME: 20,
  BADALG: 21,
  BADTRUNC: 22,
  BADCOOKIE: 23,
};

/** Types miekg/dns names that core's table does not (dns.StringToType has them all). */
const MORE_TYPES: Readonly<Record<string, number>> = {
  NONE: 0,
  MD: 3,
  MF: 4,
  MB: 7,
  MG: 8,
  MR: 9,
  MINFO: 14,
  X25: 19,
  ISDN: 20,
  RT: 21,
  NSAPPTR: 23,
  SIG: 24,
  KEY: 25,
  PX: 26,
  GPOS: 27,
  NXT: 30,
  EID: 31,
  NIMLOC: 32,
  ATMA: 34,
  KX: 36,
  IPSECKEY: 45,
  SMIMEA: 53,
  HIP: 55,
  NINFO: 56,
  RKEY: 57,
  TALINK: 58,
  UINFO: 100,
  UID: 101,
  GID: 102,
  UNSPEC: 103,
  NID: 104,
  L32: 105,
  L64: 106,
  LP: 107,
  EUI48: 108,
  EUI64: 109,
  AVC: 258,
  AMTRELAY: 260,
  TA: 32768,
  DLV: 32769,
};

/** A type's number from its mnemonic (any letter case), or undefined. */
export function typeNumber(name: string): number | undefined {
  const upper = name.toUpperCase();
  return Object.hasOwn(QType, upper) ? QType[upper as keyof typeof QType] : MORE_TYPES[upper];
}

/** A class's number from its mnemonic (any letter case), or undefined. */
export function classNumber(name: string): number | undefined {
  return CLASSES[name.toUpperCase()];
}
