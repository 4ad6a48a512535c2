import { findOpt, type Remote, type Request } from '@chaindns/core';
import type { EdnsVariable } from './config.js';
import { addressBytes } from './ip.js';

/** One EDNS0 option of an OPT record (RFC 6891 6.1.2). */
export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

export const NSID = 3;
export const SUBNET = 8;

/**
 * The options of the OPT record at `opt` (the record's first byte). A
 * malformed tail (an option running past the record) is left out.
 */
export function readOptions(msg: Uint8Array, opt: number): EdnsOption[] {
  const options: EdnsOption[] = [];
  const end = opt + 11 + ((msg[opt + 9]! << 8) | msg[opt + 10]!);
  for (let off = opt + 11; off + 4 <= end; ) {
    const len = (msg[off + 2]! << 8) | msg[off + 3]!;
    if (off + 4 + len > end) break;
    options.push({ code: (msg[off]! << 8) | msg[off + 1]!, data: msg.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return options;
}

/** The query's options; empty when it has no OPT. */
export function queryOptions(req: Request): EdnsOption[] {
  if (!req.edns) return [];
  return readOptions(req.msg, findOpt(req.msg));
}

export function optionsLength(options: readonly EdnsOption[]): number {
  let n = 0;
  for (const o of options) n += 4 + o.data.length;
  return n;
}

/** Writes the options at `off` of `out`; returns the offset past them. */
export function writeOptions(options: readonly EdnsOption[], out: Uint8Array, off: number): number {
  for (const o of options) {
    out[off] = o.code >> 8;
    out[off + 1] = o.code & 0xff;
    out[off + 2] = o.data.length >> 8;
    out[off + 3] = o.data.length & 0xff;
    out.set(o.data, off + 4);
    off += 4 + o.data.length;
  }
  return off;
}

/**
 * The client subnet option's data (RFC 7871) for the client's address cut to
 * `v4` or `v6` bits: family, source prefix, scope 0, and only the address
 * bytes the prefix covers, masked.
 */
export function subnetData(remote: Remote, v4: number, v6: number): Uint8Array | null {
  const address = addressBytes(remote.address);
  if (!address) return null;
  const family = address.length === 4 ? 1 : 2;
  const bits = family === 1 ? v4 : v6;
  const bytes = Math.ceil(bits / 8);
  const out = new Uint8Array(4 + bytes);
  out[1] = family;
  out[2] = bits;
  out.set(address.subarray(0, bytes), 4);
  if (bits % 8) out[3 + bytes] = out[3 + bytes]! & (0xff << (8 - (bits % 8)));
  return out;
}

/** The server block's address and port from its `server` label (`dns://127.0.0.1:53`, `dns://:53`). */
function serverAddress(label: string): { address: string; port: number } | null {
  const m = /^[a-z]+:\/\/(?:\[([^\]]*)\]|([^:/]*)):(\d+)$/.exec(label);
  return m ? { address: m[1] ?? m[2]!, port: Number(m[3]) } : null;
}

function port(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

/**
 * A variable's value for an EDNS0 local option, or null when this query has
 * none: `{server_ip}` is known only when the block listens on one address
 * (`bind`), since a wildcard socket does not tell where a datagram was sent.
 */
export function variableData(variable: EdnsVariable, req: Request, qname: string, qtype: number): Uint8Array | null {
  switch (variable) {
    case '{qname}':
      return Buffer.from(qname, 'latin1');
    case '{qtype}':
      return port(qtype);
    case '{client_ip}':
      return addressBytes(req.remote.address);
    case '{client_port}':
      return port(req.remote.port);
    case '{protocol}':
      return Buffer.from(req.transport, 'latin1');
    case '{server_ip}': {
      const server = serverAddress(req.server);
      return server?.address ? addressBytes(server.address) : null;
    }
    case '{server_port}': {
      const server = serverAddress(req.server);
      return server ? port(server.port) : null;
    }
  }
}
