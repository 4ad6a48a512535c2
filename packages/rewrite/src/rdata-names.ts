/**
 * Where names sit in the data of the record types that hold them: fixed bytes
 * (a count), names, and character strings, in order. A reply's names may be
 * compressed in any of these (RFC 3597 4 lists the types a decoder must
 * expand), so each is written out again when a reply is rebuilt; other
 * types' data is copied as it is.
 */
export type RdataPart = number | 'name' | 'string';

export interface RdataLayout {
  readonly parts: readonly RdataPart[];
  /** The part `answer value` rewrites (CoreDNS's getRecordValueForRewrite), or -1. */
  readonly value: number;
  /** Whether its names may be compressed when written (RFC 1035's types only, RFC 3597 4). */
  readonly compress: boolean;
}

const oneName = (value: boolean, compress = true): RdataLayout => ({ parts: ['name'], value: value ? 0 : -1, compress });

export const RDATA_NAMES: ReadonlyMap<number, RdataLayout> = new Map([
  [2, oneName(true)], // NS
  [3, oneName(false)], // MD
  [4, oneName(false)], // MF
  [5, oneName(true)], // CNAME
  [6, { parts: ['name', 'name', 20], value: 0, compress: true }], // SOA: MNAME is its value
  [7, oneName(false)], // MB
  [8, oneName(false)], // MG
  [9, oneName(false)], // MR
  [12, oneName(true)], // PTR
  [14, { parts: ['name', 'name'], value: -1, compress: true }], // MINFO
  [15, { parts: [2, 'name'], value: 1, compress: true }], // MX
  [17, { parts: ['name', 'name'], value: -1, compress: false }], // RP
  [18, { parts: [2, 'name'], value: -1, compress: false }], // AFSDB
  [21, { parts: [2, 'name'], value: -1, compress: false }], // RT
  [26, { parts: [2, 'name', 'name'], value: -1, compress: false }], // PX
  [33, { parts: [6, 'name'], value: 1, compress: false }], // SRV
  [35, { parts: [4, 'string', 'string', 'string', 'name'], value: 4, compress: false }], // NAPTR
  [36, { parts: [2, 'name'], value: -1, compress: false }], // KX
  [39, oneName(true, false)], // DNAME
]);
