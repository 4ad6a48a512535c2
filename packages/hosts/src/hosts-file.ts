import { isSubdomain } from '@chaindns/core';
import { type Address, parseAddress } from './address.js';
import type { HostsTable } from './table.js';
import { TableBuilder } from './table-builder.js';
import { writeHostName } from './wire-name.js';

/** An entry written in the Corefile: an address and its names, normalized. */
export interface HostsLine {
  readonly address: Address;
  readonly names: readonly string[];
}

const scratch = new Uint8Array(256);

/**
 * A host name as CoreDNS keys it: lowercased, fully qualified. Null when no
 * query could ask for it (see writeHostName).
 */
export function normalizeHostName(text: string): string | null {
  if (writeHostName(text, 0, text.length, scratch, 0) < 0) return null;
  const lower = text.toLowerCase();
  return lower.endsWith('.') ? lower : lower + '.';
}

/** True when `name` (lowercased FQDN) is one of `zones` or below one. */
export function inZones(zones: readonly string[], name: string): boolean {
  for (let i = 0; i < zones.length; i++) if (isSubdomain(name, zones[i]!)) return true;
  return false;
}

/** Space and tab, and the other ASCII white space Go's bytes.Fields splits on. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Adds the lines of a hosts file to `builder`: `ADDRESS NAME [NAME...]`,
 * from `#` to the end of a line a comment. A line without an address and a
 * name is skipped, as CoreDNS skips it. Fields are found in place, so only
 * the address of a line becomes a string of its own.
 */
function addHostsText(builder: TableBuilder, text: string): void {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let pos = 0; pos < text.length; ) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) lineEnd = text.length;
    let n = 0;
    for (let i = pos; i < lineEnd; ) {
      const c = text.charCodeAt(i);
      if (c === 0x23) break;
      if (isSpace(c)) {
        i++;
        continue;
      }
      starts[n] = i;
      while (i < lineEnd && !isSpace(text.charCodeAt(i)) && text.charCodeAt(i) !== 0x23) i++;
      ends[n++] = i;
    }
    pos = lineEnd + 1;
    if (n < 2) continue;
    const address = parseAddress(text.slice(starts[0], ends[0]));
    if (address === null) continue;
    builder.line(address);
    for (let f = 1; f < n; f++) builder.name(writeHostName(text, starts[f]!, ends[f]!, builder.scratch, 0));
  }
}

export interface TableOptions {
  /** The zones whose names are kept. */
  readonly zones: readonly string[];
  /** Make PTR records (no `no_reverse`). */
  readonly reverse: boolean;
  readonly ttl: number;
  /** The Corefile's entries, after the file's. */
  readonly inline: readonly HostsLine[];
}

/**
 * The table of a hosts file's text and the inline entries, as a load builds
 * it; `entries` counts as coredns_hosts_entries does, `invalid` the file's
 * names no query could ask for.
 */
export function loadTable(text: string, options: TableOptions): { table: HostsTable; entries: number; invalid: number } {
  const builder = new TableBuilder(options.zones, options.reverse, text.length >> 4);
  addHostsText(builder, text);
  builder.startInline();
  for (const line of options.inline) {
    builder.line(line.address);
    for (const name of line.names) builder.name(writeHostName(name, 0, name.length, builder.scratch, 0));
  }
  return { table: builder.build(options.ttl), entries: builder.size, invalid: builder.invalid };
}
