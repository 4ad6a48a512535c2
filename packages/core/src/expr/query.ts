import { isIP } from 'node:net';
import { className, typeName } from '../wire/constants.js';
import type { Request } from '../wire/request.js';
import { fail, str } from './builtins.js';
import type { ExprFunction, ExprType, ExprValue } from './types.js';

/** The largest UDP payload a query may ask for, and what TCP gives (CoreDNS's request.Size()). */
const MAX_SIZE = 65535;
const MIN_UDP = 512;

/** An address's bytes: 4 for dotted IPv4, 16 for IPv6 (Go's ParseIP, which takes no zone); null when it is none. */
function addressBytes(ip: string): Uint8Array | null {
  const family = ip.includes('%') ? 0 : isIP(ip);
  if (family === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (family !== 6) return null;
  // An IPv4 tail (`::ffff:10.0.0.1`) becomes two groups.
  let text = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [x, y, z, w] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((x << 8) | y).toString(16)}:${((z << 8) | w).toString(16)}`;
  }
  const halves = text.split('::');
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const all = halves.length === 1 ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}

/** Go's IP.To4: the IPv4 address, also when written IPv4-mapped (`::ffff:a.b.c.d`); else null. */
function to4(b: Uint8Array): Uint8Array | null {
  if (b.length === 4) return b;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return null;
  return b[10] === 0xff && b[11] === 0xff ? b.subarray(12) : null;
}

/**
 * `incidr(ip, cidr)` as CoreDNS's: Go's net.ParseIP, net.ParseCIDR and
 * IPNet.Contains. An IPv4 network (`10.0.0.0/8`) holds IPv4 addresses, also
 * written IPv4-mapped; an IPv6 network only IPv6 addresses that are not
 * IPv4-mapped. A bad address or CIDR fails the expression.
 */
export function inCidr(ip: string, cidr: string): boolean {
  const addr = addressBytes(ip);
  if (addr === null) return fail('incidr: first argument is not an IP address');
  const slash = cidr.indexOf('/');
  const net = slash < 0 ? null : addressBytes(cidr.slice(0, slash));
  const bits = slash < 0 || !/^\d{1,3}$/.test(cidr.slice(slash + 1)) ? NaN : Number(cidr.slice(slash + 1));
  if (net === null || !(bits <= net.length * 8)) return fail(`incidr: invalid CIDR address: ${cidr}`);
  const a = to4(addr) ?? addr;
  if (a.length !== net.length) return false;
  for (let i = 0; i < bits; i++) {
    const mask = 0x80 >> (i & 7);
    if ((a[i >> 3]! & mask) !== (net[i >> 3]! & mask)) return false;
  }
  return true;
}

/** A function of the query. */
function of<C>(req: (ctx: C) => Request, returns: ExprType, get: (r: Request) => ExprValue): ExprFunction<C> {
  return { params: [], returns, call: (ctx) => get(req(ctx)) };
}

/**
 * CoreDNS's expression functions (plugin/pkg/expression's DefaultEnv), shared
 * by `view` and `template`'s `var` and `expr`: the query's facts and
 * `incidr`, `metadata`. `req` finds the query in the caller's context.
 */
export function queryFunctions<C>(req: (ctx: C) => Request): Map<string, ExprFunction<C>> {
  return new Map<string, ExprFunction<C>>([
    ['incidr', { params: ['string', 'string'], returns: 'bool', call: (_ctx, ip, cidr) => inCidr(str(ip!, 'incidr'), str(cidr!, 'incidr')) }],
    ['metadata', { params: ['string'], returns: 'string', call: (ctx, label) => req(ctx).metadata?.get(str(label!, 'metadata')) ?? '' }],
    ['type', of(req, 'string', (r) => typeName(r.qtype))],
    ['name', of(req, 'string', (r) => r.qname)],
    ['class', of(req, 'string', (r) => className(r.qclass))],
    ['proto', of(req, 'string', (r) => r.transport)],
    ['size', of(req, 'number', (r) => r.size)],
    ['client_ip', of(req, 'string', (r) => r.remote.address)],
    ['port', of(req, 'string', (r) => String(r.remote.port))],
    ['id', of(req, 'number', (r) => r.id)],
    ['opcode', of(req, 'number', (r) => r.opcode)],
    ['do', of(req, 'bool', (r) => r.do)],
    ['bufsize', of(req, 'number', (r) => (r.transport === 'tcp' ? MAX_SIZE : Math.max(MIN_UDP, r.edns?.udpSize ?? 0)))],
    ['server_ip', of(req, 'string', (r) => r.local.address)],
    ['server_port', of(req, 'string', (r) => String(r.local.port))],
  ]);
}
