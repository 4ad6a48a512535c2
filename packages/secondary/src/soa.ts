/** A zone's SOA as a secondary follows it: the serial to compare, the timers to keep (seconds). */
export interface SoaTimers {
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
}

/** The fields of SOA RDATA `rdata[0, len)` (names uncompressed): they are its last twenty bytes. */
export function soaTimers(rdata: Uint8Array, len: number): SoaTimers {
  const view = Buffer.from(rdata.buffer, rdata.byteOffset + len - 20, 20);
  return { serial: view.readUInt32BE(0), refresh: view.readUInt32BE(4), retry: view.readUInt32BE(8), expire: view.readUInt32BE(12) };
}

/** RFC 1982 serial number arithmetic: `a` comes before `b` (CoreDNS's less, with its 2^31 - 1 window). */
export function serialBefore(a: number, b: number): boolean {
  if (a < b) return b - a <= 0x7fffffff;
  return a - b > 0x7fffffff;
}
