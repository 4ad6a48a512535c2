import { isSubdomain } from '@chaindns/core';
import { type Address, parseAddress, reverseName } from './address.js';

/**
 * One source of entries (the hosts file, or the Corefile's inline lines), as
 * CoreDNS's hostsfile Map holds it: addresses by lowercased FQDN and family,
 * wildcard owners (`*.example.org.`) apart, and the names of each address
 * by its reverse name, in the order written.
 */
export interface HostsMap {
  readonly name4: ReadonlyMap<string, readonly Address[]>;
  readonly name6: ReadonlyMap<string, readonly Address[]>;
  readonly wild4: ReadonlyMap<string, readonly Address[]>;
  readonly wild6: ReadonlyMap<string, readonly Address[]>;
  /** Reverse name (`1.0.0.10.in-addr.arpa.`) to the names of that address; wildcards get none. */
  readonly ptr: ReadonlyMap<string, readonly string[]>;
  /** CoreDNS's count for `coredns_hosts_entries`: addresses by name plus names by address. */
  readonly size: number;
}

/** A line's address and names, the names normalized. */
export interface HostsLine {
  readonly address: Address;
  readonly names: readonly string[];
}

/**
 * A host name as CoreDNS keys it: lowercased, fully qualified. Null when DNS
 * cannot carry it as a plain name: an empty label, a label over 63 bytes, a
 * name over 255, or a byte a query's name would show escaped (controls,
 * non-ASCII, `\ " ( ) ;`): no query could ask for it.
 */
export function normalizeHostName(text: string): string | null {
  if (text === '.') return '.';
  let label = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (label === 0) return null;
      label = 0;
    } else if (c <= 0x20 || c >= 0x7f || c === 0x5c || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x3b || ++label > 63) {
      return null;
    }
  }
  const fqdn = label === 0 ? text : text + '.';
  return fqdn.length + 1 > 255 ? null : fqdn.toLowerCase();
}

/** True when `name` (lowercased FQDN) is one of `zones` or below one. */
export function inZones(zones: readonly string[], name: string): boolean {
  for (let i = 0; i < zones.length; i++) if (isSubdomain(name, zones[i]!)) return true;
  return false;
}

/** True for a wildcard owner: `*` as the leftmost label. */
export function isWildcard(name: string): boolean {
  return name.length >= 2 && name.charCodeAt(0) === 0x2a && name.charCodeAt(1) === 0x2e;
}

/** An address as a short string, to find a name's repeated address. */
function addressKey(ip: Address): string {
  let key = '';
  for (let i = 0; i < ip.length; i++) key += String.fromCharCode(ip[i]!);
  return key;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Builds a HostsMap entry by entry: names outside the zones are left out, a repeated name and address counts once. */
export class HostsMapBuilder {
  private readonly name4 = new Map<string, Address[]>();
  private readonly name6 = new Map<string, Address[]>();
  private readonly wild4 = new Map<string, Address[]>();
  private readonly wild6 = new Map<string, Address[]>();
  private readonly ptr = new Map<string, string[]>();
  private readonly seen = new Set<string>();
  private size = 0;

  constructor(
    private readonly zones: readonly string[],
    private readonly reverse: boolean,
  ) {}

  add(line: HostsLine): void {
    const { address, names } = line;
    const v4 = address.length === 4;
    const key = addressKey(address);
    let rev: string | null = null;
    for (const name of names) {
      if (!inZones(this.zones, name)) continue;
      const pair = name + '\0' + key;
      if (this.seen.has(pair)) continue;
      this.seen.add(pair);
      this.size++;
      if (isWildcard(name)) {
        push(v4 ? this.wild4 : this.wild6, name, address);
        continue;
      }
      push(v4 ? this.name4 : this.name6, name, address);
      if (!this.reverse) continue;
      push(this.ptr, (rev ??= reverseName(address)), name);
      this.size++;
    }
  }

  build(): HostsMap {
    this.seen.clear();
    return { name4: this.name4, name6: this.name6, wild4: this.wild4, wild6: this.wild6, ptr: this.ptr, size: this.size };
  }
}

/**
 * One line of a hosts file: `ADDRESS NAME [NAME...]`, `#` to the end of the
 * line a comment. Null for a line without an address and a name, as
 * CoreDNS skips it; `invalid` counts names DNS cannot carry.
 */
export function parseHostsLine(raw: string, invalid: { count: number }): HostsLine | null {
  const hash = raw.indexOf('#');
  const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/);
  if (fields.length < 2) return null;
  const address = parseAddress(fields[0]!);
  if (address === null) return null;
  const names: string[] = [];
  for (let i = 1; i < fields.length; i++) {
    const name = normalizeHostName(fields[i]!);
    if (name === null) invalid.count++;
    else names.push(name);
  }
  return { address, names };
}

/** A hosts file's text as a HostsMap for `zones`; `invalid` is how many names were skipped as unusable. */
export function parseHostsText(text: string, zones: readonly string[], reverse: boolean): { map: HostsMap; invalid: number } {
  const builder = new HostsMapBuilder(zones, reverse);
  const invalid = { count: 0 };
  for (const raw of text.split('\n')) {
    const line = parseHostsLine(raw, invalid);
    if (line !== null) builder.add(line);
  }
  return { map: builder.build(), invalid: invalid.count };
}
