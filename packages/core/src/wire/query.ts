import { encodeName } from './name.js';
import { QClass } from './constants.js';

/** A query message for `name` and `qtype` (RD set, random ID, class IN unless `qclass`, optional EDNS0 OPT). */
export function buildQuery(name: string, qtype: number, options: { id?: number; qclass?: number; edns?: { udpSize: number; do?: boolean } } = {}): Buffer {
  const fqdn = name.endsWith('.') ? name : name + '.';
  const qname = encodeName(fqdn);
  const out = Buffer.alloc(12 + qname.length + 4 + (options.edns ? 11 : 0));
  out.writeUInt16BE(options.id ?? Math.floor(Math.random() * 0x10000), 0);
  out.writeUInt16BE(0x0100, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(options.edns ? 1 : 0, 10);
  qname.copy(out, 12);
  let off = 12 + qname.length;
  out.writeUInt16BE(qtype, off);
  out.writeUInt16BE(options.qclass ?? QClass.IN, off + 2);
  off += 4;
  if (options.edns) {
    out[off] = 0;
    out.writeUInt16BE(41, off + 1);
    out.writeUInt16BE(options.edns.udpSize, off + 3);
    out.writeUInt16BE(options.edns.do ? 0x8000 : 0, off + 7);
  }
  return out;
}
