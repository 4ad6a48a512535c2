import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName } from '@chaindns/core';
import { BackendFailure } from './errors.js';

/**
 * One SkyDNS record as stored under an etcd key (CoreDNS's msg.Service), with
 * the defaults and the TTL applied when it was read, as CoreDNS applies them
 * to every key it reads.
 */
export interface Service {
  /** An address (A/AAAA), or a name (a CNAME, or the target of SRV, MX, NS, PTR). */
  readonly host: string;
  readonly port: number;
  /** 10 when the value sets none; MX preference for `mail` records. */
  readonly priority: number;
  readonly weight: number;
  readonly text: string;
  readonly mail: boolean;
  /** The TTL answers carry: the value's, the lease's (clamped) or 300, as CoreDNS's TTL(). */
  readonly ttl: number;
  readonly targetstrip: number;
  readonly group: string;
  /** The etcd key it came from. */
  readonly key: string;
  /** What the host holds, worked out once when the key was read. */
  readonly hostType: HostType;
}

/** What a stored value holds, before defaults: CoreDNS's JSON fields, each optional. */
export interface StoredService {
  host: string;
  port: number;
  priority: number;
  weight: number;
  text: string;
  mail: boolean;
  ttl: number;
  targetstrip: number;
  group: string;
}

const DEFAULT_PRIORITY = 10;
/** The TTL of a record whose value and lease set none. */
export const DEFAULT_TTL = 300;

type Kind = 'string' | 'int' | 'uint32' | 'bool';
const FIELDS: Readonly<Record<keyof StoredService, Kind>> = {
  host: 'string',
  port: 'int',
  priority: 'int',
  weight: 'int',
  text: 'string',
  mail: 'bool',
  ttl: 'uint32',
  targetstrip: 'int',
  group: 'string',
};

/**
 * Decodes a value as Go's encoding/json decodes it into msg.Service: an
 * object whose field names match case-insensitively, unknown fields ignored,
 * `null` leaving a field unset, and a value of the wrong type an error (which
 * fails every query whose lookup reads the key, as in CoreDNS).
 */
export function parseStored(json: string): StoredService {
  const value: unknown = JSON.parse(json);
  const s: StoredService = { host: '', port: 0, priority: 0, weight: 0, text: '', mail: false, ttl: 0, targetstrip: 0, group: '' };
  if (value === null) return s;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into a service`);
  for (const [name, v] of Object.entries(value)) {
    const field = name.toLowerCase() as keyof StoredService;
    const kind = FIELDS[field];
    if (kind === undefined || v === null) continue;
    if (kind === 'string' ? typeof v !== 'string' : kind === 'bool' ? typeof v !== 'boolean' : !isInteger(v, kind)) {
      throw new Error(`cannot unmarshal ${JSON.stringify(v)} into field ${field} of type ${kind}`);
    }
    (s as unknown as Record<string, unknown>)[field] = v;
  }
  return s;
}

function isInteger(v: unknown, kind: Kind): v is number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false;
  return kind !== 'uint32' || (v >= 0 && v <= 0xffffffff);
}

/**
 * The record with CoreDNS's defaults: priority 10 when unset, and the TTL of
 * its TTL(): the smaller of the value's TTL and the lease's (already clamped
 * to min/max-lease-ttl, 0 without a lease), 300 when neither is set.
 */
export function withDefaults(s: StoredService, key: string, leaseTtl: number): Service {
  let ttl: number;
  if (leaseTtl === 0) ttl = s.ttl === 0 ? DEFAULT_TTL : s.ttl;
  else ttl = s.ttl === 0 ? leaseTtl : Math.min(leaseTtl, s.ttl);
  return { ...s, priority: s.priority === 0 ? DEFAULT_PRIORITY : s.priority, ttl, key, hostType: hostType(s.host, s.text) };
}

/** What a record's host holds (CoreDNS's HostType): an address, a name, or nothing but text. */
export type HostType = { readonly type: 'A' | 'AAAA'; readonly ip: string } | { readonly type: 'CNAME' | 'TXT'; readonly ip?: undefined };

/**
 * An IPv4 address, an IPv6 one (an IPv4-mapped one counts as IPv4, as Go's
 * To4 has it), else a name, or TXT when the host is no address and the record
 * has text. Go's ParseIP takes no zone (`%eth0`).
 */
export function hostType(host: string, text: string): HostType {
  if (isIPv4(host)) return { type: 'A', ip: host };
  if (isIPv6(host) && !host.includes('%')) {
    const canonical = new URL(`http://[${host}]`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
    if (!mapped) return { type: 'AAAA', ip: host };
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return { type: 'A', ip: `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}` };
  }
  return text.length === 0 ? { type: 'CNAME' } : { type: 'TXT' };
}

/** `name` with a trailing dot. */
export function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** `name` as a name to answer with: an FQDN whose labels and length fit DNS, else the lookup fails (as CoreDNS's reply fails to pack). */
export function answerName(name: string): string {
  const abs = fqdn(name);
  try {
    canonicalName(abs);
  } catch (err) {
    throw new BackendFailure(`"${name}" is no domain name: ${(err as Error).message}`);
  }
  return abs;
}

/** The host as a target name, less its `targetstrip` leftmost labels (the whole name when there are not that many). */
export function target(s: Service): string {
  const host = answerName(s.host);
  if (s.targetstrip <= 0) return host;
  let offset = 0;
  for (let i = 0; i < s.targetstrip; i++) {
    const dot = nextLabel(host, offset);
    if (dot < 0) return host;
    offset = dot;
  }
  return host.slice(offset);
}

/** Where the label after the one at `offset` starts, or -1 past the last one (miekg/dns's NextLabel, escapes included). */
function nextLabel(name: string, offset: number): number {
  for (let i = offset; i < name.length - 1; i++) {
    if (name[i] === '\\') {
      i++;
      continue;
    }
    if (name[i] === '.') return i + 1;
  }
  return -1;
}

/**
 * The text as TXT strings of 255 bytes at most (CoreDNS's split255, which
 * also gives a text of exactly 255 bytes a trailing empty string).
 */
export function split255(text: string): Buffer[] {
  const bytes = Buffer.from(text);
  if (bytes.length < 255) return [bytes];
  const out: Buffer[] = [];
  for (let p = 0; ; p += 255) {
    if (p + 255 > bytes.length) {
      out.push(bytes.subarray(p));
      return out;
    }
    out.push(bytes.subarray(p, p + 255));
  }
}

/**
 * CoreDNS's msg.Group: the shortest keys set the group (when their groups
 * agree); then only records of that group, or of none, are answered.
 */
export function group(sx: readonly Service[]): readonly Service[] {
  if (sx.length === 0) return sx;
  let grp = sx[0]!.group;
  let slashes = depth(sx[0]!.key);
  // As in CoreDNS, the depths past the loop's break stay 0.
  const lengths = new Array<number>(sx.length).fill(0);
  for (let i = 0; i < sx.length; i++) {
    const s = sx[i]!;
    lengths[i] = depth(s.key);
    if (lengths[i]! < slashes) {
      if (s.group === '') break;
      slashes = lengths[i]!;
      grp = s.group;
    }
  }
  if (grp === '') return sx;
  const out: Service[] = [];
  for (let i = 0; i < sx.length; i++) {
    const s = sx[i]!;
    if (s.group === '') {
      out.push(s);
      continue;
    }
    if (lengths[i] === slashes && s.group !== grp) return sx;
    if (s.group === grp) out.push(s);
  }
  return out;
}

function depth(key: string): number {
  let n = 0;
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) === 0x2f) n++;
  return n;
}
